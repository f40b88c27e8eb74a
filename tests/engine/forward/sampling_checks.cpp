#include "sampling_checks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "forward_goldens.h"

namespace hearth::test {
namespace {

constexpr float negative_infinity = -std::numeric_limits<float>::infinity();

// Two sequences of `backend` on the tiny model: one draws on the device, its twin gives the
// logits the host draws from.
class SamplingRig {
  public:
    explicit SamplingRig(Backend& backend) : logits_(backend.vocab_size()) {
        for (auto* target : {&sampled_, &twin_}) {
            auto sequence = backend.create_context(256);
            EXPECT_TRUE(sequence.has_value());
            if (sequence) *target = std::move(*sequence);
        }
        prompt_ = golden_prompt_ids("twelve_tokens");
    }
    bool ready() const { return sampled_ && twin_; }

    // The prompt but its last token, in both sequences.
    void run_prompt_head() {
        const auto head = std::span(prompt_).first(prompt_.size() - 1);
        ASSERT_TRUE(sampled_->append(head, {}).has_value());
        ASSERT_TRUE(twin_->append(head, {}).has_value());
    }

    // Runs `token` in the twin (its logits, excluded ids at -infinity) and draws after it on the
    // device, then forgets it in the sampling sequence so the next draw reruns it.
    std::int32_t draw_after(std::int32_t token, const SamplingSettings& settings, float random,
                            const std::vector<bool>& excluded = {}) {
        if (twin_->length() == sampled_->length()) {
            EXPECT_TRUE(twin_->append(std::span(&token, 1), logits_).has_value());
            for (std::size_t id = 0; id < excluded.size(); ++id) {
                if (excluded[id]) logits_[id] = negative_infinity;
            }
        }
        auto drawn =
            sampled_->append_and_sample(std::span(&token, 1), settings, random, std::nullopt);
        EXPECT_TRUE(drawn.has_value()) << drawn.error().message;
        sampled_->truncate(sampled_->length() - 1);
        return drawn ? *drawn : -1;
    }

    std::unique_ptr<Sequence> sampled_, twin_;
    std::vector<std::int32_t> prompt_;
    std::vector<float> logits_;
};

std::int32_t argmax(const std::vector<float>& logits) {
    return static_cast<std::int32_t>(std::max_element(logits.begin(), logits.end()) -
                                     logits.begin());
}

// The draw in id order over exp((logit - top) / temperature), in double: the first id whose
// cumulative weight passes random * total, over the ids top-p and min-p keep (the most likely
// ones, all ties at the last, until their weight reaches top_p of all). `margin`: how close the
// draw came to the id's edges, relative to the total (a float sum on the device may land on a
// neighbour when it is tiny).
struct ExpectedDraw {
    std::int32_t id = -1;
    double margin = 0;
    std::int32_t before = -1, after = -1; // the kept ids next to it
};
ExpectedDraw draw_in_id_order(const std::vector<float>& logits, float temperature, float random,
                              float top_p = 1.0f, float min_p = 0.0f) {
    const float top = *std::max_element(logits.begin(), logits.end());
    std::vector<double> weights(logits.size());
    double all = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        weights[i] = std::exp((double{logits[i]} - top) / temperature);
        all += weights[i];
    }
    std::vector<float> sorted(logits);
    std::sort(sorted.begin(), sorted.end(), std::greater<>());
    float cut = sorted.back();
    double reached = 0;
    for (const float logit : sorted) {
        reached += std::exp((double{logit} - top) / temperature);
        cut = logit;
        if (reached >= top_p * all) break;
    }
    double total = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (logits[i] < cut || weights[i] < min_p) weights[i] = 0;
        total += weights[i];
    }
    const double target = random * total;
    double mass = 0;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        if (weights[i] == 0) continue;
        if (mass + weights[i] > target) {
            ExpectedDraw draw{static_cast<std::int32_t>(i),
                              std::min(target - mass, mass + weights[i] - target) / total};
            for (std::size_t j = i; j-- > 0;) {
                if (weights[j] > 0) {
                    draw.before = static_cast<std::int32_t>(j);
                    break;
                }
            }
            for (std::size_t j = i + 1; j < logits.size(); ++j) {
                if (weights[j] > 0) {
                    draw.after = static_cast<std::int32_t>(j);
                    break;
                }
            }
            return draw;
        }
        mass += weights[i];
    }
    return {};
}

// The expected id, or on an edge (within 1e-5 of the total, where float sums on the device may
// land either side) a kept id next to it.
void expect_drawn(std::int32_t drawn, const ExpectedDraw& expected) {
    if (expected.margin > 1e-5) {
        EXPECT_EQ(drawn, expected.id);
    } else {
        EXPECT_TRUE(drawn == expected.id || drawn == expected.before || drawn == expected.after)
            << drawn << " is not " << expected.id << " nor a kept id next to it";
    }
}

} // namespace

void expect_greedy_draws_match_the_argmax(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    std::int32_t token = rig.prompt_.back();
    for (int step = 0; step < 8; ++step) {
        const std::int32_t drawn = rig.draw_after(token, {.temperature = 0.0f}, 0.5f);
        EXPECT_EQ(drawn, argmax(rig.logits_)) << "step " << step;
        // Move the sampling sequence on by the token, as the twin moved.
        ASSERT_TRUE(rig.sampled_->append(std::span(&token, 1), {}).has_value());
        token = drawn;
    }
}

void expect_excluded_ids_never_drawn(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    const std::int32_t last = rig.prompt_.back();
    std::vector<bool> excluded(backend.vocab_size(), false);
    // Exclude the best 50 tokens after the prompt (and the last id): the draw must go below them.
    ASSERT_TRUE(rig.twin_->append(std::span(&last, 1), rig.logits_).has_value());
    std::vector<std::int32_t> order(rig.logits_.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = static_cast<std::int32_t>(i);
    std::partial_sort(order.begin(), order.begin() + 51, order.end(),
                      [&](auto a, auto b) { return rig.logits_[a] > rig.logits_[b]; });
    for (int i = 0; i < 50; ++i)
        excluded[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])] = true;
    excluded.back() = true;
    ASSERT_TRUE(rig.sampled_->exclude_from_sampling(excluded).has_value());
    ASSERT_TRUE(rig.twin_->truncate(rig.twin_->length() - 1) == rig.sampled_->length());

    EXPECT_EQ(rig.draw_after(last, {.temperature = 0.0f}, 0.0f, excluded), order[50]);
    for (const float random : {0.0f, 0.25f, 0.5f, 0.999f}) {
        const std::int32_t drawn = rig.draw_after(last, {.temperature = 3.0f}, random);
        ASSERT_GE(drawn, 0);
        EXPECT_FALSE(excluded[static_cast<std::size_t>(drawn)]) << "random " << random;
    }
}

void expect_temperature_draws_match_the_host(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    // The spec's default of 1, and hot enough that the draw spreads over many ids.
    for (const float temperature : {1.0f, 8.0f}) {
        for (const float random : {0.0f, 0.05f, 0.3f, 0.5f, 0.77f, 0.95f, 0.9999f}) {
            SCOPED_TRACE("temperature " + std::to_string(temperature) + ", random " +
                         std::to_string(random));
            const std::int32_t drawn =
                rig.draw_after(rig.prompt_.back(), {.temperature = temperature}, random);
            const auto expected = draw_in_id_order(rig.logits_, temperature, random);
            expect_drawn(drawn, expected);
        }
    }
}

void expect_top_p_and_min_p_draws_match_the_host(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    rig.run_prompt_head();
    struct Cut {
        float top_p, min_p;
    };
    // A few ids kept, most of the mass, min-p alone, and both; hot, so many ids have weight.
    for (const Cut cut : {Cut{0.2f, 0.0f}, Cut{0.9f, 0.0f}, Cut{1.0f, 0.3f}, Cut{0.8f, 0.05f}}) {
        for (const float random : {0.0f, 0.3f, 0.77f, 0.9999f}) {
            SCOPED_TRACE("top-p " + std::to_string(cut.top_p) + ", min-p " +
                         std::to_string(cut.min_p) + ", random " + std::to_string(random));
            const SamplingSettings settings{
                .temperature = 4.0f, .top_p = cut.top_p, .min_p = cut.min_p};
            const std::int32_t drawn = rig.draw_after(rig.prompt_.back(), settings, random);
            const auto expected = draw_in_id_order(rig.logits_, 4.0f, random, cut.top_p, cut.min_p);
            expect_drawn(drawn, expected);
        }
    }
}

void expect_steps_ahead_draw_what_single_steps_draw(Backend& backend) {
    const auto prompt = golden_prompt_ids("twelve_tokens");
    constexpr std::uint32_t steps = 20;
    // Every step runs a token (the first, the prompt), the last draw fills the capacity.
    const std::uint32_t capacity = static_cast<std::uint32_t>(prompt.size()) + steps - 1;
    // Random draws spread over many ids (temperature 4), then greedy ones.
    for (const SamplingSettings settings :
         {SamplingSettings{.temperature = 4.0f}, SamplingSettings{.temperature = 0.0f}}) {
        SCOPED_TRACE("temperature " + std::to_string(settings.temperature));
        std::vector<std::int32_t> drawn[2];
        for (const bool ahead : {false, true}) {
            auto sequence = backend.create_context(capacity);
            ASSERT_TRUE(sequence.has_value());
            std::span<const std::int32_t> run = prompt;
            std::int32_t token = 0;
            for (std::uint32_t step = 0; step < steps; ++step) {
                const float random = static_cast<float>((step * 37) % 100) / 100.0f;
                const float next = static_cast<float>(((step + 1) * 37) % 100) / 100.0f;
                auto picked = (*sequence)->append_and_sample(
                    run, settings, random, ahead ? std::optional(next) : std::nullopt);
                ASSERT_TRUE(picked.has_value())
                    << "step " << step << ": " << picked.error().message;
                token = *picked;
                drawn[ahead].push_back(token);
                run = std::span(&token, 1);
            }
            EXPECT_EQ((*sequence)->length(), capacity);
        }
        EXPECT_EQ(drawn[1], drawn[0]);
    }
}

void expect_steps_ahead_never_change_what_other_calls_give(Backend& backend) {
    const auto prompt = golden_prompt_ids("twelve_tokens");
    const SamplingSettings hot{.temperature = 4.0f}, greedy{.temperature = 0.0f};
    // Calls made in turn by a sequence that steps ahead with next_random 0.9 after every draw (so
    // a draw with 0.9, the settings and the token drawn before continues it) and by one that never
    // does; each gives the token drawn. Every call but the one after the append follows one that
    // stepped ahead; the step ahead, and the exclusion's draw but for its new exclusions, would
    // continue the step before them.
    struct Call {
        std::string name;
        std::function<Result<std::int32_t>(Sequence&, std::optional<float>)> run;
    };
    std::vector<std::int32_t> last_drawn = {0};
    const auto sample = [&](std::string name, std::function<std::vector<std::int32_t>()> tokens,
                            SamplingSettings settings, float random) {
        return Call{std::move(name), [=](Sequence& s, std::optional<float> next) {
                        const auto run = tokens();
                        return s.append_and_sample(run, settings, random, next);
                    }};
    };
    const auto drawn_before = [&] { return std::vector<std::int32_t>{last_drawn.back()}; };
    const std::int32_t vocab = static_cast<std::int32_t>(backend.vocab_size());
    const auto not_drawn = [&] {
        return std::vector<std::int32_t>{(last_drawn.back() + 1) % vocab};
    };
    std::vector<bool> one_allowed(backend.vocab_size(), true);
    one_allowed[5] = false;
    std::vector<float> logits(backend.vocab_size());
    const std::vector<Call> calls = {
        sample(
            "the prompt", [&] { return prompt; }, hot, 0.3f),
        sample("another token", not_drawn, hot, 0.9f),
        sample("another draw", drawn_before, hot, 0.2f),
        sample("other settings", drawn_before, greedy, 0.9f),
        sample("the step ahead", drawn_before, greedy, 0.9f), // the settings before it
        {"a plain append",
         [&](Sequence& s, std::optional<float>) -> Result<std::int32_t> {
             const std::int32_t token = last_drawn.back();
             if (auto r = s.append(std::span(&token, 1), logits); !r) {
                 return std::unexpected(r.error());
             }
             return argmax(logits);
         }},
        sample("after the append", drawn_before, greedy, 0.9f),
        {"an exclusion",
         [&](Sequence& s, std::optional<float> next) -> Result<std::int32_t> {
             if (auto r = s.exclude_from_sampling(one_allowed); !r)
                 return std::unexpected(r.error());
             const std::int32_t token = last_drawn.back();
             auto drawn = s.append_and_sample(std::span(&token, 1), greedy, 0.9f, next);
             if (auto r = s.exclude_from_sampling({}); !r) return std::unexpected(r.error());
             return drawn;
         }},
        {"a rewind",
         [&](Sequence& s, std::optional<float> next) -> Result<std::int32_t> {
             const std::uint32_t kept = s.truncate(s.length() - 2);
             const std::vector<std::int32_t> again = {prompt[kept % prompt.size()], not_drawn()[0]};
             return s.append_and_sample(again, hot, 0.6f, next);
         }},
    };
    std::vector<std::int32_t> given[2];
    std::vector<std::uint32_t> lengths[2];
    for (const bool ahead : {false, true}) {
        auto sequence = backend.create_context(64);
        ASSERT_TRUE(sequence.has_value());
        last_drawn = {0};
        for (const auto& call : calls) {
            auto result = call.run(**sequence, ahead ? std::optional(0.9f) : std::nullopt);
            ASSERT_TRUE(result.has_value()) << call.name << ": " << result.error().message;
            given[ahead].push_back(*result);
            lengths[ahead].push_back((*sequence)->length());
            last_drawn.push_back(*result);
        }
    }
    EXPECT_EQ(given[1], given[0]);
    EXPECT_EQ(lengths[1], lengths[0]);
    EXPECT_EQ(given[0][7], 5) << "the exclusion left only id 5";
}

void expect_only_device_settings_run_there(Backend& backend) {
    SamplingRig rig(backend);
    ASSERT_TRUE(rig.ready());
    auto& sequence = *rig.sampled_;
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 0.0f, .top_p = 0.5f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 0.7f, .top_k = 1}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f, .top_p = 0.9f}));
    EXPECT_TRUE(sequence.samples_on_device({.temperature = 1.0f, .min_p = 0.05f}));
    EXPECT_FALSE(sequence.samples_on_device({.temperature = 1.0f, .top_k = 40}));
    const std::int32_t token = rig.prompt_.front();
    EXPECT_FALSE(
        sequence.append_and_sample(std::span(&token, 1), {.top_k = 40}, 0.5f, std::nullopt));
    EXPECT_EQ(sequence.length(), 0u);
}

void expect_a_decode_loop_finds_every_step_after_the_first_ahead(Backend& backend) {
    const auto prompt = golden_prompt_ids("twelve_tokens");
    constexpr std::uint32_t steps = 10;
    const hearth::SamplingSettings settings{.temperature = 1.0f};
    const auto draw = [](std::uint32_t step) { return static_cast<float>(step % 10) / 10.0f; };
    for (const bool named_draw_asked : {true, false}) {
        SCOPED_TRACE(named_draw_asked ? "the draw named" : "another draw");
        auto sequence =
            backend.create_context(static_cast<std::uint32_t>(prompt.size()) + steps + 2);
        ASSERT_TRUE(sequence.has_value());
        std::span<const std::int32_t> run = prompt;
        std::int32_t token = 0;
        for (std::uint32_t step = 0; step < steps; ++step) {
            const float named = draw(step + 1) + (named_draw_asked ? 0.0f : 0.05f);
            auto picked = (*sequence)->append_and_sample(run, settings, draw(step), named);
            ASSERT_TRUE(picked.has_value()) << picked.error().message;
            token = *picked;
            run = std::span(&token, 1);
        }
        EXPECT_EQ((*sequence)->steps_found_ahead(), named_draw_asked ? steps - 1 : 0u);
    }
}

} // namespace hearth::test
