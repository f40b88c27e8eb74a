#include "device_sampling.h"

#include <algorithm>

#include "backend/append_checks.h"

namespace hearth::gpu {
namespace {

bool greedy(const SamplingSettings& settings) {
    return settings.temperature <= 0.0f || settings.top_k == 1;
}

} // namespace

bool device_can_sample(const SamplingSettings& settings) {
    return greedy(settings) || settings.top_k == 0;
}

kernel_args::SampleDraw sample_draw(const SamplingSettings& settings, float random) {
    return {greedy(settings) ? 0.0f : settings.temperature, std::clamp(random, 0.0f, 1.0f),
            std::min(settings.top_p, 1.0f), std::clamp(settings.min_p, 0.0f, 1.0f)};
}

kernel_args::SampleArgs sample_args(std::uint32_t vocab) {
    const std::uint32_t groups =
        std::clamp((vocab + kernel_args::sample_group_size - 1) / kernel_args::sample_group_size,
                   1u, kernel_args::sample_max_groups);
    return {vocab, (vocab + groups - 1) / groups, groups};
}

std::vector<std::uint32_t> exclusion_bits(const std::vector<bool>& excluded, std::uint32_t vocab) {
    std::vector<std::uint32_t> bits((vocab + 31) / 32, 0);
    for (std::size_t id = 0; id < std::min<std::size_t>(excluded.size(), vocab); ++id) {
        if (excluded[id]) bits[id / 32] |= 1u << (id % 32);
    }
    return bits;
}

Result<void> check_sampled_append(const model::ModelConfig& config,
                                  std::span<const std::int32_t> tokens, std::uint32_t length,
                                  std::uint32_t max_positions, const SamplingSettings& settings) {
    if (auto ok = check_append(config, tokens, {}, length, max_positions); !ok) return ok;
    if (!device_can_sample(settings)) return fail("These sampling settings run on the host");
    return {};
}

Result<std::int32_t> drawn_token(std::uint32_t picked, std::uint32_t vocab) {
    if (picked >= vocab) return fail(nothing_to_draw_message);
    return static_cast<std::int32_t>(picked);
}

} // namespace hearth::gpu
