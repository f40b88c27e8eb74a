#include "forward_goldens.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "backend/cache_window.h"
#include "backend/cpu/cpu_backend.h"
#include "tiny_model_writers.h"

namespace hearth::test {
namespace {

using nlohmann::json;

const json& goldens() {
    static const json value = [] {
        std::ifstream in(HEARTH_REFERENCE_GOLDENS);
        return json::parse(in);
    }();
    return value;
}

std::int32_t argmax(const std::vector<float>& logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// A fresh sequence that has run `ids`, and the logits of the last one.
struct Ran {
    std::unique_ptr<Sequence> sequence;
    std::vector<float> logits;
};

// `count` ids first, first + step, ... (mod the vocabulary): a long prompt no golden has.
std::vector<std::int32_t> stepped_ids(std::uint32_t count, std::uint32_t step, std::uint32_t first,
                                      std::uint32_t vocab) {
    std::vector<std::int32_t> ids(count);
    for (std::uint32_t i = 0; i < count; ++i)
        ids[i] = static_cast<std::int32_t>((i * step + first) % vocab);
    return ids;
}

Ran run_prompt(Backend& backend, const std::vector<std::int32_t>& ids) {
    Ran ran;
    auto context = backend.create_context(512);
    EXPECT_TRUE(context.has_value()) << context.error().message;
    if (!context) return ran;
    ran.sequence = std::move(*context);
    ran.logits.resize(backend.vocab_size());
    auto appended = ran.sequence->append(ids, ran.logits);
    EXPECT_TRUE(appended.has_value()) << appended.error().message;
    return ran;
}

} // namespace

std::filesystem::path tiny_model_path(const std::string& name) {
    return std::filesystem::path(HEARTH_TINY_MODEL_DIR) / name;
}

std::shared_ptr<const model::ModelFiles> tiny_model_files(const std::string& name) {
    auto files = model::open_model_files(tiny_model_path(name));
    EXPECT_TRUE(files.has_value()) << files.error().message;
    if (!files) return nullptr;
    return std::make_shared<const model::ModelFiles>(std::move(*files));
}

std::shared_ptr<const model::ModelFiles> tiny_model_files(const TinyModelSpec& spec) {
    // Named by the process: ctest runs tests side by side.
    const auto path = std::filesystem::path(testing::TempDir()) /
                      ("hearth-shape-" + std::to_string(getpid()) + ".gguf");
    EXPECT_TRUE(
        tiny_gguf(spec, make_master_weights(spec), {}, GgufExperts::separate).write(path.string()));
    auto files = model::open_model_files(path); // maps the file, which may go now
    std::filesystem::remove(path);
    EXPECT_TRUE(files.has_value()) << files.error().message;
    if (!files) return nullptr;
    return std::make_shared<const model::ModelFiles>(std::move(*files));
}

std::vector<std::string> tiny_model_names() {
    return {"tiny-gpt-oss.gguf", "tiny-gpt-oss-hf", "tiny-gpt-oss-fused.gguf"};
}

std::string parameter_name(const std::string& fixture) {
    std::string name = fixture;
    std::replace_if(
        name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
    return name;
}

std::unique_ptr<Backend> made_backend(Result<std::unique_ptr<Backend>> made) {
    EXPECT_TRUE(made.has_value()) << made.error().message << ": " << made.error().detail;
    if (!made) return nullptr;
    return std::move(*made);
}

std::vector<std::int32_t> golden_prompt_ids(const std::string& prompt) {
    return goldens().at("prompts").at(prompt).at("ids").get<std::vector<std::int32_t>>();
}

std::vector<float> last_logits(Backend& backend, const std::vector<std::int32_t>& ids) {
    return run_prompt(backend, ids).logits;
}

LogitDistance distance_from_cpu(Backend& backend, const std::string& fixture,
                                const std::string& prompt) {
    return distance_from_cpu(backend, tiny_model_files(fixture), golden_prompt_ids(prompt));
}

LogitDistance distance_from_cpu(Backend& backend, std::shared_ptr<const model::ModelFiles> files,
                                const std::vector<std::int32_t>& ids) {
    auto cpu = cpu::create_cpu_backend(std::move(files), {.threads = 2});
    EXPECT_TRUE(cpu.has_value());
    if (!cpu) return {};
    const auto expected = last_logits(**cpu, ids);
    const auto actual = last_logits(backend, ids);
    EXPECT_EQ(actual.size(), expected.size());
    if (actual.size() != expected.size()) return {};
    LogitDistance distance;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        distance.largest = std::max(distance.largest, std::abs(expected[i]));
        distance.worst = std::max(distance.worst, std::abs(actual[i] - expected[i]));
    }
    distance.same_top = argmax(actual) == argmax(expected);
    return distance;
}

void expect_two_batch_prompt_matches_cpu(Backend& backend, const std::string& fixture) {
    const auto once = golden_prompt_ids("long_130");
    std::vector<std::int32_t> ids;
    for (int copy = 0; copy < 3; ++copy)
        ids.insert(ids.end(), once.begin(), once.end());
    const auto distance = distance_from_cpu(backend, tiny_model_files(fixture), ids);
    EXPECT_LE(distance.worst, 1e-4f * distance.largest);
    EXPECT_TRUE(distance.same_top);
}

void expect_stays_near_the_cpu(Backend& backend, const std::string& fixture, const char* what,
                               float bound) {
    for (const char* prompt : {"twelve_tokens", "long_130"}) {
        SCOPED_TRACE(prompt);
        const auto distance = distance_from_cpu(backend, fixture, prompt);
        EXPECT_LE(distance.worst, bound * distance.largest);
        EXPECT_TRUE(distance.same_top);
        std::printf("%s: %s, largest |error| %.3g of %.3g\n", prompt, what, distance.worst,
                    distance.largest);
    }
}

void expect_bytes_read_count_the_cache_as_kept(BackendChoice backend) {
    const auto& c = tiny_model_files("tiny-gpt-oss.gguf")->config;
    auto load = [&](KvCachePrecision kv_cache) {
        return Model::load(tiny_model_path("tiny-gpt-oss.gguf"),
                           {.backend = backend, .kv_cache = kv_cache, .progress = {}});
    };
    auto f32 = load(KvCachePrecision::f32), q8 = load(KvCachePrecision::q8);
    ASSERT_TRUE(f32.has_value() && q8.has_value());
    // At 100 positions every full layer reads all of them, every sliding layer its window; a row
    // (one position of one KV head) is head_dim f32 values, or head_dim / 4 words of codes and a
    // scale word.
    std::uint64_t attended = 0;
    for (std::uint32_t layer = 0; layer < c.layer_count; ++layer)
        attended += c.is_sliding_layer(layer) ? std::min(100u, c.sliding_window) : 100u;
    const std::uint64_t f32_row = 4ull * c.head_dim, q8_row = 4ull * (c.head_dim / 4 + 1);
    EXPECT_EQ((*f32)->bytes_read_per_token(100) - (*q8)->bytes_read_per_token(100),
              attended * 2 * c.kv_head_count * (f32_row - q8_row));
}

void expect_q8_cache_refused_for_heads_of_no_whole_words(
    const std::function<Result<std::unique_ptr<Backend>>(std::shared_ptr<const model::ModelFiles>)>&
        create) {
    const auto files = tiny_model_files(TinyModelSpec{.head_dim = 18, .vocab = 512});
    ASSERT_TRUE(files);
    const auto refused = create(files);
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().message,
              "An 8-bit KV cache needs a head size that is a multiple of 4");
    EXPECT_NE(refused.error().detail.find("--kv-cache f16"), std::string::npos)
        << refused.error().detail;
}

void expect_logits_match_reference(Backend& backend) {
    for (const auto& [name, prompt] : goldens().at("prompts").items()) {
        SCOPED_TRACE(name);
        const auto logits = last_logits(backend, golden_prompt_ids(name));
        ASSERT_EQ(logits.size(), backend.vocab_size());
        const auto& top = prompt.at("top");
        double largest = 0;
        for (const auto& entry : top)
            largest = std::max(largest, std::abs(entry[1].get<double>()));
        const double tolerance = 1e-4 * largest;
        double worst = 0;
        for (const auto& entry : top) {
            const double expected = entry[1].get<double>();
            const double actual = logits[entry[0].get<std::size_t>()];
            worst = std::max(worst, std::abs(actual - expected));
        }
        EXPECT_LE(worst, tolerance) << "largest error over the top " << top.size() << " logits";
        std::printf("%s: largest |error| %.3g over the top logits (tolerance %.3g)\n", name.c_str(),
                    worst, tolerance);
        EXPECT_EQ(argmax(logits), prompt.at("argmax").get<std::int32_t>());
        // All 201088 logits at once: their sum and sum of squares.
        double sum = 0, sum_squares = 0;
        for (float v : logits) {
            sum += v;
            sum_squares += static_cast<double>(v) * v;
        }
        const double spread = std::sqrt(prompt.at("sum_sq").get<double>());
        EXPECT_NEAR(sum, prompt.at("sum").get<double>(), 1e-4 * spread * std::sqrt(logits.size()));
        EXPECT_NEAR(sum_squares, prompt.at("sum_sq").get<double>(),
                    1e-4 * prompt.at("sum_sq").get<double>());
    }
}

void expect_greedy_tokens_match_reference(Backend& backend) {
    for (const auto& [name, prompt] : goldens().at("prompts").items()) {
        SCOPED_TRACE(name);
        auto [sequence, logits] = run_prompt(backend, golden_prompt_ids(name));
        ASSERT_TRUE(sequence);
        std::vector<std::int32_t> generated;
        const auto expected = prompt.at("greedy").get<std::vector<std::int32_t>>();
        while (generated.size() < expected.size()) {
            generated.push_back(argmax(logits));
            ASSERT_TRUE(sequence->append(std::span(&generated.back(), 1), logits).has_value());
        }
        EXPECT_EQ(generated, expected);
    }
}

void expect_truncate_and_append_reproduce_logits(Backend& backend) {
    const auto ids = golden_prompt_ids("forty_tokens");
    std::vector<float> first(backend.vocab_size()), again(backend.vocab_size());
    auto context = backend.create_context(64);
    ASSERT_TRUE(context.has_value());
    ASSERT_TRUE((*context)->append(ids, first).has_value());
    const std::uint32_t kept = (*context)->truncate(30);
    EXPECT_EQ(kept, 30u);
    ASSERT_TRUE((*context)->append(std::span(ids).subspan(kept), again).has_value());
    EXPECT_EQ(first, again);
}

void expect_profiled_step_left_the_cache_as_a_plain_one(Sequence& profiled, Sequence& plain,
                                                        const std::vector<std::int32_t>& prompt,
                                                        std::int32_t token,
                                                        std::uint32_t vocab_size) {
    std::vector<float> expected(vocab_size), logits(vocab_size);
    ASSERT_TRUE(plain.append(prompt, {}).has_value());
    ASSERT_TRUE(plain.append(std::vector<std::int32_t>{token}, {}).has_value());
    ASSERT_TRUE(profiled.append(std::vector<std::int32_t>{3}, logits).has_value());
    ASSERT_TRUE(plain.append(std::vector<std::int32_t>{3}, expected).has_value());
    EXPECT_EQ(logits, expected);
}

void expect_a_second_rewind_respects_the_rings(Backend& backend, const std::string& fixture) {
    const auto files = tiny_model_files(fixture);
    ASSERT_TRUE(files);
    const std::uint32_t window = files->config.sliding_window;
    // A backend's ring may hold up to a prompt batch more: rings lose at least positions < 64.
    const std::uint32_t written = window + sliding_rewind_slack + 512;
    const auto ids = stepped_ids(written, 7, 3, backend.vocab_size());
    auto context = backend.create_context(written);
    ASSERT_TRUE(context.has_value()) << context.error().message;
    ASSERT_TRUE((*context)->append(ids, {}).has_value());
    // Back to where the sequence's length alone says every ring holds what it needs.
    const std::uint32_t first_rewind = window + sliding_rewind_slack;
    ASSERT_EQ((*context)->truncate(first_rewind), first_rewind);

    const std::uint32_t keep = window + 32, rerun = keep + 8; // keep needs positions from 32
    const std::uint32_t kept = (*context)->truncate(keep);
    EXPECT_LT(kept, keep);
    std::vector<float> again(backend.vocab_size()), fresh(backend.vocab_size());
    ASSERT_TRUE((*context)->append(std::span(ids).subspan(kept, rerun - kept), again).has_value());
    auto fresh_context = backend.create_context(written); // the same caches, the same splits
    ASSERT_TRUE(fresh_context.has_value());
    ASSERT_TRUE((*fresh_context)->append(std::span(ids).first(rerun), fresh).has_value());
    EXPECT_EQ(again, fresh);
}

void expect_a_rewind_point_outlives_the_rings(Backend& backend, const std::string& fixture) {
    const auto files = tiny_model_files(fixture);
    ASSERT_TRUE(files);
    const std::uint32_t window = files->config.sliding_window;
    // Tokens run after the point: past any backend's ring (window + slack + a batch at most).
    const std::uint32_t past = sliding_rewind_slack + 512;
    const auto answer = stepped_ids(10, 13, 2, backend.vocab_size());
    // A point early on, and points whose window wraps round the end of a GPU ring (window +
    // slack) and of a CPU one (a prompt chunk more), so that its copies come in two runs.
    for (const std::uint32_t point : {window + 40, window + sliding_rewind_slack + 2,
                                      window + sliding_rewind_slack + cpu::max_prefill_chunk + 2}) {
        SCOPED_TRACE("point " + std::to_string(point));
        const auto ids = stepped_ids(point + past, 11, 5, backend.vocab_size());
        const auto before_point = std::span(ids).first(point);
        const std::uint32_t capacity = point + past + 16;
        std::vector<float> again(backend.vocab_size()), fresh(backend.vocab_size());
        auto fresh_context = backend.create_context(capacity); // the same caches and splits
        ASSERT_TRUE(fresh_context.has_value()) << fresh_context.error().message;
        ASSERT_TRUE((*fresh_context)->append(before_point, {}).has_value());
        ASSERT_TRUE((*fresh_context)->append(answer, fresh).has_value());

        auto context = backend.create_context(capacity);
        ASSERT_TRUE(context.has_value());
        auto& sequence = **context;
        ASSERT_TRUE(sequence.append(before_point, {}).has_value());
        ASSERT_TRUE(sequence.save_rewind_point().has_value());
        // Twice: the point comes back, then again after the rings have moved on from there.
        for (int round = 0; round < 2; ++round) {
            ASSERT_TRUE(sequence.append(std::span(ids).subspan(point), {}).has_value());
            ASSERT_EQ(sequence.truncate(point + 30), point) << "round " << round;
            ASSERT_TRUE(sequence.append(answer, again).has_value());
            EXPECT_EQ(again, fresh) << "round " << round;
        }
        EXPECT_EQ(sequence.truncate(point - 5), 0u);
    }
}

void expect_bad_tokens_and_overflow_are_errors(Backend& backend) {
    auto context = backend.create_context(4);
    ASSERT_TRUE(context.has_value());
    std::vector<float> logits(backend.vocab_size());
    const std::int32_t bad[] = {300000};
    EXPECT_FALSE((*context)->append(bad, logits).has_value());
    const std::int32_t five[] = {1, 2, 3, 4, 5};
    auto overflow = (*context)->append(five, logits);
    ASSERT_FALSE(overflow.has_value());
    EXPECT_NE(overflow.error().message.find("no longer fits"), std::string::npos);
}

} // namespace hearth::test
