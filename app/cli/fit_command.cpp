#include "fit_command.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli_options.h"
#include "hearth/fit_check.h"
#include "hearth/gpu_devices.h"

namespace hearth::cli {
namespace {

constexpr const char* usage =
    "usage: hearth-cli fit --model MODEL [--memory-gib N] [--context N] [--gpu] [--json]\n"
    "  --memory-gib N  the device's memory (default: this computer's RAM; with --gpu, the\n"
    "                  largest GPU's)\n"
    "  --context N     check this context instead of picking the largest that fits\n"
    "  --gpu           a GPU with an fp16 KV cache instead of the CPU backend's fp32 one\n";

void print_line(const char* label, std::uint64_t bytes, const std::string& note = {}) {
    std::printf("  %-10s %12s%s%s\n", label, format_memory(bytes).c_str(), note.empty() ? "" : "  ",
                note.c_str());
}

void print_text(const std::string& model, const FitReport& r, const FitOptions& options,
                const std::string& memory_source) {
    std::printf("%s\n", model.c_str());
    std::printf("  device     %12s  %s\n", format_memory(r.device_memory).c_str(),
                memory_source.c_str());
    std::printf("  context    %12u  tokens (the model supports %u)\n", r.context, r.model_context);
    print_line("weights", r.need.weights);
    print_line("KV cache", r.need.kv_cache,
               std::string(options.kv_element_bytes == 2 ? "fp16" : "fp32") + ", " +
                   format_memory(r.kv_bytes_per_token) + " per token");
    print_line("scratch", r.need.scratch, "activations, logits, decoded small tensors");
    print_line("runtime", r.need.runtime, "program, tokenizer, threads");
    print_line("headroom", r.need.headroom, "kept free for the system and desktop");
    print_line("total", r.need.total());
    std::printf("%s\n", r.fits ? "fits" : "does not fit");
    std::printf("%s\n", r.advice.c_str());
}

void print_json(const std::string& model, const FitReport& r) {
    const nlohmann::json out = {
        {"model", model},
        {"device_memory", r.device_memory},
        {"context", r.context},
        {"model_context", r.model_context},
        {"largest_fitting_context", r.largest_fitting_context},
        {"fits", r.fits},
        {"kv_bytes_per_token", r.kv_bytes_per_token},
        {"bytes",
         {{"weights", r.need.weights},
          {"kv_cache", r.need.kv_cache},
          {"scratch", r.need.scratch},
          {"runtime", r.need.runtime},
          {"headroom", r.need.headroom},
          {"total", r.need.total()}}},
        {"advice", r.advice},
    };
    std::printf("%s\n", out.dump(2).c_str());
}

// The GPU with the most memory: CUDA's total, else Vulkan's budget or device-local heap.
Result<std::pair<std::uint64_t, std::string>> largest_gpu_memory() {
    std::pair<std::uint64_t, std::string> best{0, {}};
    if (auto cuda = probe_cuda()) {
        for (const auto& d : cuda->devices) {
            if (d.total_memory_bytes > best.first) best = {d.total_memory_bytes, d.name};
        }
    }
    if (best.first == 0) {
        if (auto vulkan = enumerate_vulkan_devices()) {
            for (const auto& d : *vulkan) {
                if (d.kind == DeviceKind::cpu) continue; // a software rasteriser is no GPU
                const std::uint64_t bytes =
                    d.device_local_budget_bytes.value_or(d.device_local_bytes);
                if (bytes > best.first) best = {bytes, d.name};
            }
        }
    }
    if (best.first == 0) return fail("no GPU found: give the memory with --memory-gib");
    return best;
}

Result<int> run(std::span<const std::string_view> args) {
    auto options =
        Options::parse(args, {"--model", "--memory-gib", "--context"}, {"--gpu", "--json"});
    if (!options) return std::unexpected(options.error());
    auto model = options->required("--model");
    if (!model) return std::unexpected(model.error());
    auto gib = options->number("--memory-gib", 0);
    if (!gib) return std::unexpected(gib.error());
    if (!std::isfinite(*gib) || *gib < 0 || *gib > 1e6)
        return fail("option --memory-gib must be a positive number of GiB");
    std::uint64_t memory = 0;
    std::string source;
    if (options->value("--memory-gib")) {
        memory = static_cast<std::uint64_t>(*gib * static_cast<double>(gibibyte));
        source = "given with --memory-gib";
    } else if (options->flag("--gpu")) {
        auto gpu = largest_gpu_memory();
        if (!gpu) return std::unexpected(gpu.error());
        memory = gpu->first;
        source = gpu->second;
    } else {
        memory = system_memory_bytes();
        if (memory == 0) return fail("cannot read this computer's memory size: use --memory-gib");
        source = "this computer's RAM, " + format_memory(available_memory_bytes()) + " free now";
    }
    std::optional<std::uint32_t> context;
    if (options->value("--context")) {
        auto n = options->unsigned_value("--context", 0);
        if (!n) return std::unexpected(n.error());
        if (*n == 0 || *n > 0xFFFFFFFFu) return fail("option --context must be at least 1");
        context = static_cast<std::uint32_t>(*n);
    }
    const FitOptions fit = options->flag("--gpu") ? gpu_fit_options() : cpu_fit_options();
    auto report = check_model_fit(*model, memory, fit, context);
    if (!report) return std::unexpected(report.error());
    if (context && *context > report->model_context) {
        return fail("the model supports at most " + std::to_string(report->model_context) +
                    " tokens of context");
    }
    options->flag("--json") ? print_json(*model, *report)
                            : print_text(*model, *report, fit, source);
    return report->fits ? 0 : 3;
}

} // namespace

int run_fit_command(std::span<const std::string_view> args) {
    if (args.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    auto result = run(args);
    if (!result) return report_error("fit", result.error());
    return *result;
}

} // namespace hearth::cli
