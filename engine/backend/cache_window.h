// Which positions a sequence can keep when the runtime rewinds it. Shared by the backends,
// whose sliding-window layers keep only a ring of their most recent positions.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "model/model_config.h"

namespace hearth {

// Sliding-window layers keep this many positions beyond what the forward pass needs, so a
// follow-up message that rewinds a little (the runtime re-renders the last turn) reuses the cache.
inline constexpr std::uint32_t sliding_rewind_slack = 1024;

// Positions left after cutting a sequence of `length` back to `keep`, when layer i's cache holds
// its last `capacities[i]` positions and positions up to `written_end` (exclusive, at least
// `length`) have been written since the sequence last started from 0: rewinding more than once, or
// after work run ahead and thrown away, leaves rings written past the length. Position `keep`
// needs the window before it, so a ring that has already overwritten those forces a restart from
// 0.
inline std::uint32_t positions_kept(const model::ModelConfig& config,
                                    std::span<const std::uint32_t> capacities, std::uint32_t length,
                                    std::uint32_t written_end, std::uint32_t keep) {
    keep = std::min(keep, length);
    for (std::uint32_t capacity : capacities) {
        const std::int64_t oldest_held = std::int64_t{std::max(written_end, length)} - capacity;
        const std::int64_t oldest_needed =
            std::max<std::int64_t>(0, std::int64_t{keep} - config.sliding_window);
        if (oldest_held > oldest_needed) return 0;
    }
    return keep;
}

} // namespace hearth
