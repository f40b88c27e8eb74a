// hearth-bench: how fast a model runs here, and how close that is to the machine's limit.
//   hearth-bench --model MODEL [--backend B] [--threads N] [--kv-cache f16|f32|q8]
//                [--cpu-kernels K] [--compare-cpu-kernels K1,K2] [--prompt-tokens 512]
//                [--gen-tokens 128] [--depth 0,4096] [--json]
//                [--vulkan-tuning expert_rows=R,down_rows=R,project_rows=R,invocations=N,
//                 expert_invocations=N,batch_tokens=B,wide_units=0|1,separate_norms=0|1,
//                 fp4_bits=0|1,int_dot=0|1,batch_int_dot=0|1]
//                (Vulkan's decode matvec workgroups and loads and prompt batch, in place of
//                the backend's choice: for tuning on a GPU)
//                [--cuda-tuning int_dot=0|1] (CUDA's, the same way)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ranges>
#include <string_view>
#include <sys/resource.h>
#include <thread>
#include <vector>

#include "cli_options.h"
#include "hearth/build_info.h"
#include "hearth/cpu_kernels.h"
#include "hearth/model.h"
#include "hearth/token_picker.h"
#include "kernel_set_comparison.h"
#include "memory_bandwidth.h"

namespace {

using Clock = std::chrono::steady_clock;
using hearth::Result;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_resident_bytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) * 1024.0;
}

// Token ids spread over the model's vocabulary past its first 1,000 (over all of a vocabulary of
// 2,000 or fewer; gpt-oss's ordinary tokens end near 200,000); the content does not change the
// work done.
std::vector<std::int32_t> synthetic_tokens(const hearth::Model& model, std::size_t count,
                                           std::size_t offset) {
    const std::size_t vocab = model.vocab_size(), first = vocab > 2000 ? 1000 : 0;
    const std::size_t spread = std::min<std::size_t>(190000, vocab - first);
    std::vector<std::int32_t> ids(count);
    for (std::size_t i = 0; i < count; ++i) {
        ids[i] = static_cast<std::int32_t>(first + (offset + i) * 7919 % spread);
    }
    return ids;
}

// --compare-cpu-kernels: the sets take turns of this many tokens, this many times each.
constexpr unsigned comparison_rounds = 12;
constexpr unsigned comparison_tokens_per_turn = 4;

std::vector<std::string> comma_separated(std::string_view text) {
    std::vector<std::string> parts;
    for (const auto part : std::views::split(text, ','))
        parts.emplace_back(part.begin(), part.end());
    return parts;
}

struct DepthResult {
    std::uint32_t depth;
    double prompt_tokens_per_second, time_to_first_token, generation_tokens_per_second;
    double bytes_per_token, fraction_of_limit;
    std::uint64_t steps_found_ahead; // of the generated tokens' (Sequence::steps_found_ahead)
};

Result<DepthResult> run_depth(hearth::Model& model, std::uint32_t depth, std::uint32_t prompt,
                              std::uint32_t generate) {
    auto sequence = model.new_sequence(depth + prompt + generate);
    if (!sequence) return std::unexpected(sequence.error());
    if (depth > 0) {
        if (auto r = (*sequence)->append(synthetic_tokens(model, depth, 0), {}); !r)
            return std::unexpected(r.error());
    }
    DepthResult result{};
    result.depth = depth;
    // Each token is drawn as the app draws it with its default settings (temperature 1, top-p 1,
    // the spec's): on the device where the backend can, so the sampler's time counts as it
    // does for users.
    const std::vector<bool> no_exclusions;
    hearth::TokenPicker picker(**sequence, model.vocab_size(), {.seed = 1}, no_exclusions);
    auto start = Clock::now();
    auto next = picker.run(synthetic_tokens(model, prompt, depth));
    if (!next) return std::unexpected(next.error());
    result.time_to_first_token = seconds_since(start);
    result.prompt_tokens_per_second = prompt / result.time_to_first_token;

    start = Clock::now();
    const std::uint64_t ahead_before = (*sequence)->steps_found_ahead();
    for (std::uint32_t i = 0; i < generate; ++i) {
        const std::int32_t token = *next;
        next = picker.run(std::span(&token, 1));
        if (!next) return std::unexpected(next.error());
    }
    result.generation_tokens_per_second = generate / seconds_since(start);
    result.steps_found_ahead = (*sequence)->steps_found_ahead() - ahead_before;
    // The middle of the generated span stands for its average context length.
    result.bytes_per_token =
        static_cast<double>(model.bytes_read_per_token(depth + prompt + generate / 2));
    return result;
}

// One decode step with the backend's per-kernel device timings, after `context` positions;
// empty where the backend does not time its kernels (the CPU).
std::vector<hearth::KernelProfile> profile_kernels(hearth::Model& model, std::uint32_t context) {
    auto sequence = model.new_sequence(context + 2);
    if (!sequence || !(*sequence)->times_kernels()) return {};
    std::vector<float> logits(model.vocab_size());
    if (!(*sequence)->append(synthetic_tokens(model, context + 1, 0), logits)) return {};
    auto kernels = (*sequence)->profile_step(1);
    return kernels ? *kernels : std::vector<hearth::KernelProfile>{};
}

// The last batch of a prompt (the backend's batch, or fewer tokens), with per-kernel device
// timings; no kernels where the backend does not time them.
struct ProfiledBatch {
    std::uint32_t tokens = 0;
    std::vector<hearth::KernelProfile> kernels;
};

// The last batch of a `prompt`-token prompt after `depth` positions.
ProfiledBatch profile_prompt_batch(hearth::Model& model, std::uint32_t depth,
                                   std::uint32_t prompt) {
    auto sequence = model.new_sequence(depth + prompt);
    if (!sequence || !(*sequence)->times_kernels()) return {};
    const std::uint32_t tokens = std::min(prompt, (*sequence)->profile_batch_limit());
    const std::uint32_t before = depth + prompt - tokens;
    if (before > 0 && !(*sequence)->append(synthetic_tokens(model, before, 0), {})) return {};
    auto kernels = (*sequence)->profile_batch(synthetic_tokens(model, tokens, before));
    if (!kernels) return {};
    return {tokens, std::move(*kernels)};
}

struct KernelTotals {
    double seconds = 0;
    std::uint32_t dispatches = 0;
};
KernelTotals totals(const std::vector<hearth::KernelProfile>& kernels) {
    KernelTotals t;
    for (const auto& k : kernels) {
        t.seconds += k.seconds;
        t.dispatches += k.dispatches;
    }
    return t;
}

void print_kernels(const std::vector<hearth::KernelProfile>& kernels) {
    const double seconds = totals(kernels).seconds;
    std::printf("%-26s %10s %10s %8s %10s\n", "kernel", "dispatches", "ms", "share", "GB/s");
    for (const auto& k : kernels) {
        std::printf("%-26s %10u %10.3f %7.1f%% %10.1f\n", k.kernel.c_str(), k.dispatches,
                    k.seconds * 1e3, 100 * k.seconds / seconds,
                    k.seconds > 0 ? static_cast<double>(k.bytes) / k.seconds / 1e9 : 0.0);
    }
}

nlohmann::json comparison_json(const std::vector<hearth::bench::KernelSetSpeed>& comparison) {
    auto out = nlohmann::json::array();
    for (const auto& c : comparison) {
        out.push_back({{"kernels", c.name},
                       {"median_generation_tokens_per_second", c.median_tokens_per_second},
                       {"turns_fastest", c.turns_fastest}});
    }
    return out;
}

nlohmann::json kernels_json(const std::vector<hearth::KernelProfile>& kernels) {
    auto out = nlohmann::json::array();
    for (const auto& k : kernels) {
        out.push_back({{"kernel", k.kernel},
                       {"dispatches", k.dispatches},
                       {"seconds", k.seconds},
                       {"bytes", k.bytes}});
    }
    return out;
}

Result<int> run(std::span<const std::string_view> args) {
    using hearth::cli::Options;
    auto options = Options::parse(args,
                                  {"--model", "--backend", "--threads", "--kv-cache",
                                   "--cpu-kernels", "--compare-cpu-kernels", "--vulkan-tuning",
                                   "--cuda-tuning", "--prompt-tokens", "--gen-tokens", "--depth"},
                                  {"--json"});
    if (!options) return std::unexpected(options.error());
    auto path = options->required("--model");
    if (!path) return std::unexpected(path.error());
    auto backend = hearth::parse_backend_choice(options->value("--backend").value_or("auto"));
    if (!backend) return std::unexpected(backend.error());
    auto kv_cache = hearth::parse_kv_cache_precision(options->value("--kv-cache").value_or("f16"));
    if (!kv_cache) return std::unexpected(kv_cache.error());
    auto threads =
        options->unsigned_value("--threads", std::max(1u, std::thread::hardware_concurrency()));
    auto prompt = options->unsigned_value("--prompt-tokens", 512);
    auto generate = options->unsigned_value("--gen-tokens", 128);
    auto depths = hearth::cli::parse_integer_list(options->value("--depth").value_or("0"));
    for (const auto* r : {&threads, &prompt, &generate}) {
        if (!*r) return std::unexpected(r->error());
    }
    if (!depths) return hearth::fail("--depth: " + depths.error().message);
    auto tuning = hearth::parse_vulkan_tuning(options->value("--vulkan-tuning").value_or(""));
    if (!tuning) return hearth::fail("--vulkan-tuning: " + tuning.error().message);
    auto cuda_tuning = hearth::parse_cuda_tuning(options->value("--cuda-tuning").value_or(""));
    if (!cuda_tuning) return hearth::fail("--cuda-tuning: " + cuda_tuning.error().message);
    if (auto kernels = options->value("--cpu-kernels")) {
        if (auto used = hearth::use_cpu_kernels(*kernels); !used) {
            return hearth::fail("--cpu-kernels: " + used.error().message);
        }
    }

    auto start = Clock::now();
    auto model = hearth::Model::load(*path, {.backend = *backend,
                                             .threads = static_cast<unsigned>(*threads),
                                             .kv_cache = *kv_cache,
                                             .progress = {},
                                             .vulkan_tuning = *tuning,
                                             .cuda_tuning = *cuda_tuning});
    if (!model) return std::unexpected(model.error());
    const double load_seconds = seconds_since(start);

    std::vector<DepthResult> results;
    for (auto depth : *depths) {
        if (depth < 0) return hearth::fail("--depth values must not be negative");
        auto r =
            run_depth(**model, static_cast<std::uint32_t>(depth),
                      static_cast<std::uint32_t>(*prompt), static_cast<std::uint32_t>(*generate));
        if (!r) return std::unexpected(r.error());
        results.push_back(*r);
    }
    std::vector<hearth::bench::KernelSetSpeed> comparison;
    if (auto sets = options->value("--compare-cpu-kernels")) {
        const auto names = comma_separated(*sets);
        if (names.size() < 2) return hearth::fail("--compare-cpu-kernels needs two sets or more");
        auto compared = hearth::bench::compare_cpu_kernel_sets(**model, names, comparison_rounds,
                                                               comparison_tokens_per_turn);
        if (!compared) return hearth::fail("--compare-cpu-kernels: " + compared.error().message);
        comparison = std::move(*compared);
    }
    // Peak memory is read before the bandwidth test, whose own buffers would dominate it.
    const double peak_resident = peak_resident_bytes();
    // Depths were checked above: none is negative.
    const auto profiled_depth = static_cast<std::uint32_t>(*prompt + (*depths).back());
    const auto kernels = profile_kernels(**model, profiled_depth);
    const auto step = totals(kernels); // the profiled decode step's dispatches and device time
    const auto batch_depth = static_cast<std::uint32_t>((*depths).back());
    const auto batch =
        profile_prompt_batch(**model, batch_depth, static_cast<std::uint32_t>(*prompt));
    // The limit is the faster of two streams over the same memory: a read (what decoding does:
    // it reads weights and writes next to nothing) and a copy (reads + writes, the figure other
    // tools quote). A GPU backend times its own device; otherwise host memory is measured here.
    const auto device_bandwidth = (*model)->measure_device_bandwidth();
    const unsigned host_threads = static_cast<unsigned>(*threads);
    const double read_bandwidth = device_bandwidth
                                      ? device_bandwidth->read_bytes_per_second
                                      : hearth::bench::measure_read_bandwidth(host_threads);
    const double copy_bandwidth = device_bandwidth
                                      ? device_bandwidth->copy_bytes_per_second
                                      : hearth::bench::measure_copy_bandwidth(host_threads);
    const double bandwidth = std::max(read_bandwidth, copy_bandwidth);
    const std::string limit_source = std::string(device_bandwidth ? "device " : "host ") +
                                     (read_bandwidth >= copy_bandwidth ? "read" : "copy");
    for (auto& r : results) {
        r.fraction_of_limit = r.generation_tokens_per_second * r.bytes_per_token / bandwidth;
    }

    // The CPU's kernel set, for comparing them (--cpu-kernels); a GPU backend does not use it.
    const bool on_cpu = (*model)->backend_name() == "cpu";
    const std::string cpu_kernels(on_cpu ? hearth::cpu_kernels_in_use() : "");
    const std::string where = (*model)->backend_description() +
                              (on_cpu ? ", " + cpu_kernels + " kernels" : std::string());
    if (options->flag("--json")) {
        nlohmann::json out = {{"model", *path},
                              {"backend", (*model)->backend_name()},
                              {"threads", *threads},
                              {"version", hearth::version()},
                              {"read_bandwidth_bytes_per_second", read_bandwidth},
                              {"copy_bandwidth_bytes_per_second", copy_bandwidth},
                              {"bandwidth_limit_bytes_per_second", bandwidth},
                              {"bandwidth_limit_source", limit_source},
                              {"backend_description", (*model)->backend_description()},
                              {"cpu_kernels", cpu_kernels},
                              {"dispatches_per_token", step.dispatches},
                              {"device_seconds_per_token", step.seconds},
                              {"kernels", kernels_json(kernels)},
                              {"batch_tokens", batch.tokens},
                              {"batch_kernels", kernels_json(batch.kernels)},
                              {"cpu_kernel_comparison", comparison_json(comparison)},
                              {"load_seconds", load_seconds},
                              {"peak_resident_bytes", peak_resident},
                              {"results", nlohmann::json::array()}};
        for (const auto& r : results) {
            out["results"].push_back(
                {{"depth", r.depth},
                 {"prompt_tokens", *prompt},
                 {"prompt_tokens_per_second", r.prompt_tokens_per_second},
                 {"time_to_first_token_seconds", r.time_to_first_token},
                 {"generated_tokens", *generate},
                 {"generation_tokens_per_second", r.generation_tokens_per_second},
                 {"bytes_read_per_token", r.bytes_per_token},
                 {"fraction_of_bandwidth_limit", r.fraction_of_limit},
                 {"steps_found_ahead", r.steps_found_ahead}});
        }
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("%s\non %s, memory bandwidth: read %.1f GB/s, copy %.1f GB/s (the limit: %s)\n",
                path->c_str(), where.c_str(), read_bandwidth / 1e9, copy_bandwidth / 1e9,
                limit_source.c_str());
    std::printf("load %.2f s, peak resident memory %.0f MiB\n", load_seconds,
                peak_resident / (1 << 20));
    // "ahead": generated tokens whose step was already running when asked for (a step ahead).
    std::printf("%8s %12s %10s %12s %14s %10s %8s\n", "depth", "prompt t/s", "TTFT s", "gen t/s",
                "MB read/token", "of limit", "ahead");
    for (const auto& r : results) {
        std::printf(
            "%8u %12.1f %10.3f %12.2f %14.1f %9.0f%% %8llu\n", r.depth, r.prompt_tokens_per_second,
            r.time_to_first_token, r.generation_tokens_per_second, r.bytes_per_token / 1e6,
            100 * r.fraction_of_limit, static_cast<unsigned long long>(r.steps_found_ahead));
    }
    if (!kernels.empty()) {
        const auto& t = step;
        std::printf("\none decode step at depth %u, timed on the device: %u dispatches, %.3f ms",
                    profiled_depth, t.dispatches, t.seconds * 1e3);
        // What is left of a generated token's time is the host's and the GPU's idle time.
        if (const auto& last = results.back(); last.generation_tokens_per_second > 0) {
            const double token_seconds = 1 / last.generation_tokens_per_second;
            std::printf(" (%.0f%% of the %.3f ms a token took at depth %u)",
                        100 * t.seconds / token_seconds, token_seconds * 1e3, last.depth);
        }
        std::printf("\n");
        print_kernels(kernels);
    }
    if (!comparison.empty()) {
        std::printf("\nCPU kernel sets taking turns of %u tokens, %u turns each:\n",
                    comparison_tokens_per_turn, comparison_rounds);
        std::printf("%-14s %12s %14s\n", "kernels", "median t/s", "turns fastest");
        for (const auto& c : comparison) {
            std::printf("%-14s %12.2f %14u\n", c.name.c_str(), c.median_tokens_per_second,
                        c.turns_fastest);
        }
    }
    if (!batch.kernels.empty()) {
        const auto t = totals(batch.kernels);
        std::printf("\nthe prompt's last batch, %u tokens, timed on the device: %u dispatches, "
                    "%.3f ms (%.0f tokens/s)\n",
                    batch.tokens, t.dispatches, t.seconds * 1e3, batch.tokens / t.seconds);
        print_kernels(batch.kernels);
    }
    return 0;
}

} // namespace

int main(int argc, char* argv[]) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
        std::puts(
            "Usage: hearth-bench --model MODEL [--backend auto|cpu|vulkan|cuda] [--threads N]\n"
            "                    [--kv-cache f16|f32|q8] [--cpu-kernels "
            "portable|avx2|avx512]\n"
            "                    [--compare-cpu-kernels K1,K2]\n"
            "                    [--vulkan-tuning "
            "expert_rows=R,down_rows=R,project_rows=R,invocations=N,expert_invocations=N,\n"
            "                     batch_tokens=B,wide_units=0|1,separate_norms=0|1,\n"
            "                     fp4_bits=0|1,int_dot=0|1,batch_int_dot=0|1]\n"
            "                    [--cuda-tuning int_dot=0|1]\n"
            "                    [--prompt-tokens 512] [--gen-tokens 128] [--depth 0,4096] "
            "[--json]");
        return 0;
    }
    auto result = run(args);
    if (!result) {
        std::fprintf(stderr, "hearth-bench: %s\n", result.error().message.c_str());
        return 1;
    }
    return *result;
}
