// Which positions a sequence can keep when the runtime rewinds it. Shared by the backends,
// whose sliding-window layers keep only a ring of their most recent positions.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "model/model_config.h"

namespace hearth {

// Sliding-window layers keep this many positions beyond what the forward pass needs, so a
// follow-up message that rewinds a little (the runtime re-renders the last turn) reuses the cache.
// A rewind over more (a long answer) needs a rewind point (Sequence::save_rewind_point).
inline constexpr std::uint32_t sliding_rewind_slack = 1024;

// How far back a sequence's rings still hold what it ran: a position is held from `held_from` on,
// if no write since has reached a ring's capacity past it. `written_end`: one past the furthest
// position written since the sequence last started from 0 (or a rewind point was restored), which
// can lie past its length after a rewind, or work run ahead and thrown away.
struct RingReach {
    std::uint32_t written_end = 0;
    std::uint32_t held_from = 0; // after a rewind point is restored: the oldest position it holds
    void wrote_until(std::uint32_t end) { written_end = std::max(written_end, end); }
    // A rewind point at `point` came back: the `window` positions before it, and nothing past it.
    void restored(std::uint32_t point, std::uint32_t window) {
        written_end = point;
        held_from = point > window ? point - window : 0;
    }
};

// Positions left after cutting a sequence of `length` back to `keep`, when layer i's cache holds
// its last `capacities[i]` positions of those `rings` says. Position `keep` needs the window
// before it, so a ring that has already overwritten those forces a restart from 0.
inline std::uint32_t positions_kept(const model::ModelConfig& config,
                                    std::span<const std::uint32_t> capacities, std::uint32_t length,
                                    const RingReach& rings, std::uint32_t keep) {
    keep = std::min(keep, length);
    for (std::uint32_t capacity : capacities) {
        const std::int64_t oldest_held = std::max<std::int64_t>(
            rings.held_from, std::int64_t{std::max(rings.written_end, length)} - capacity);
        const std::int64_t oldest_needed =
            std::max<std::int64_t>(0, std::int64_t{keep} - config.sliding_window);
        if (oldest_held > oldest_needed) return 0;
    }
    return keep;
}

// Sequence::truncate for a backend with rings: cuts `length` back to at most `keep`
// (positions_kept) and returns what is left. A rewind point (`point`, its position) past `keep` is
// stale once the positions before it run again, and is forgotten; one whose window the rings have
// lost, but that `keep` reaches, comes back in their place through `restore` (false: it could
// not, and is forgotten).
inline std::uint32_t rewind_rings(const model::ModelConfig& config,
                                  std::span<const std::uint32_t> capacities, std::uint32_t length,
                                  RingReach& rings, std::optional<std::uint32_t>& point,
                                  std::uint32_t keep, const std::function<bool()>& restore) {
    keep = std::min(keep, length);
    std::uint32_t kept = positions_kept(config, capacities, length, rings, keep);
    if (point && keep < *point) point.reset();
    if (point && kept < *point) {
        if (restore()) {
            kept = *point;
            rings.restored(kept, config.sliding_window);
        } else {
            point.reset();
        }
    }
    if (kept == 0) rings = {}; // a restart rewrites every position it reads
    return kept;
}

// What a rewind point at `position` copies of a ring of `capacity` slots: the window before it
// (`window` positions, fewer near the start), which the point keeps in order. Its positions take
// one run of slots, or two where the ring wraps; `saved_at` is a run's first position's index in
// the point's copy.
struct WindowRun {
    std::uint32_t slot = 0, count = 0, saved_at = 0;
};
inline std::vector<WindowRun> rewind_window_runs(std::uint32_t position, std::uint32_t window,
                                                 std::uint32_t capacity) {
    const std::uint32_t count = std::min(position, window);
    const std::uint32_t slot = (position - count) % capacity;
    const std::uint32_t before_end = std::min(count, capacity - slot);
    std::vector<WindowRun> runs{{slot, before_end, 0}};
    if (count > before_end) runs.push_back({0, count - before_end, before_end});
    return runs;
}

// Bytes a rewind point keeps of the rings (layers whose `capacities` are below `max_positions`):
// each one's window of keys and of values, rows of `row_bytes` (a position of every KV head).
// At least 1, so a buffer can be made for it.
inline std::size_t rewind_point_bytes(const model::ModelConfig& config,
                                      std::span<const std::uint32_t> capacities,
                                      std::uint32_t max_positions, std::size_t row_bytes) {
    const auto rings = static_cast<std::size_t>(std::ranges::count_if(
        capacities, [&](std::uint32_t capacity) { return capacity < max_positions; }));
    return std::max<std::size_t>(1, 2 * rings * config.sliding_window * row_bytes);
}

// One copy between a ring and a rewind point (rewind_point_bytes): `bytes` at `in_ring` in layer
// `layer`'s keys (or values), at `in_point` in the point.
struct RewindCopy {
    std::uint32_t layer = 0;
    bool values = false;
    std::size_t in_ring = 0, in_point = 0, bytes = 0;
};
// The copies that save (or restore) a rewind point at `position`: each ring's window of keys, then
// of values, layer by layer.
inline std::vector<RewindCopy> rewind_point_copies(const model::ModelConfig& config,
                                                   std::span<const std::uint32_t> capacities,
                                                   std::uint32_t max_positions,
                                                   std::uint32_t position, std::size_t row_bytes) {
    std::vector<RewindCopy> copies;
    const std::size_t window_bytes = config.sliding_window * row_bytes;
    std::size_t saved = 0; // where the next window goes in the point
    for (std::uint32_t layer = 0; layer < capacities.size(); ++layer) {
        if (capacities[layer] >= max_positions) continue; // keeps every position
        const auto runs = rewind_window_runs(position, config.sliding_window, capacities[layer]);
        for (const bool values : {false, true}) {
            for (const auto run : runs) {
                copies.push_back({layer, values, run.slot * row_bytes,
                                  saved + run.saved_at * row_bytes, run.count * row_bytes});
            }
            saved += window_bytes;
        }
    }
    return copies;
}

} // namespace hearth
