// Sizes in messages for people: "15.9 GiB" (rounded to a tenth).
#pragma once

#include <cstdint>
#include <string>

namespace hearth {

inline std::string gib_text(std::uint64_t bytes) {
    const auto tenths = (bytes * 10 + (1ull << 29)) >> 30;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " GiB";
}

} // namespace hearth
