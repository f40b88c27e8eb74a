#include "rank_table.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

namespace hearth::tokenizer {
namespace {

std::uint64_t mix(std::uint64_t value) {
    value ^= value >> 32;
    value *= 0xd6e8feb86659fd93ull;
    value ^= value >> 32;
    return value;
}

constexpr std::size_t inline_key_bytes = 8;

std::uint64_t padded_word(std::string_view bytes) {
    std::uint64_t word = 0;
    if (!bytes.empty()) std::memcpy(&word, bytes.data(), std::min(bytes.size(), inline_key_bytes));
    return word;
}

// Eight bytes at a time; keys are mostly shorter than 16 bytes.
std::uint64_t hash_bytes(std::string_view bytes) {
    std::uint64_t hash = 0x9E3779B97F4A7C15ull ^ bytes.size();
    std::size_t offset = 0;
    for (; offset + 8 <= bytes.size(); offset += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + offset, 8);
        hash = mix(hash ^ word);
    }
    return mix(hash ^ padded_word(bytes.substr(offset)));
}

} // namespace

std::string_view RankTable::key_of(const Slot& slot) const {
    if (slot.length <= inline_key_bytes) {
        return std::string_view(reinterpret_cast<const char*>(&slot.key), slot.length);
    }
    return std::string_view(arena_).substr(slot.key, slot.length);
}

void RankTable::reserve(std::size_t count, std::size_t total_key_bytes) {
    arena_.reserve(total_key_bytes);
    // At most half full keeps probe chains short.
    const std::size_t capacity = std::bit_ceil(count * 2 + 16);
    if (capacity <= slots_.size()) return;
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(capacity));
    const std::size_t mask = capacity - 1;
    for (const Slot& slot : old) {
        if (slot.rank == absent) continue;
        std::size_t index = hash_bytes(key_of(slot)) & mask;
        while (slots_[index].rank != absent)
            index = (index + 1) & mask;
        slots_[index] = slot;
    }
}

std::size_t RankTable::probe(std::string_view bytes) const {
    const std::size_t mask = slots_.size() - 1;
    const bool is_inline = bytes.size() <= inline_key_bytes;
    const std::uint64_t word = is_inline ? padded_word(bytes) : 0;
    for (std::size_t index = hash_bytes(bytes) & mask;; index = (index + 1) & mask) {
        const Slot& slot = slots_[index];
        if (slot.rank == absent) return index;
        if (slot.length != bytes.size()) continue;
        if (is_inline ? slot.key == word
                      : std::memcmp(arena_.data() + slot.key, bytes.data(), bytes.size()) == 0) {
            return index;
        }
    }
}

bool RankTable::insert(std::string_view bytes, std::int32_t rank) {
    if ((count_ + 1) * 2 > slots_.size()) reserve(slots_.size(), arena_.size());
    Slot& slot = slots_[probe(bytes)];
    if (slot.rank != absent) return false;
    slot.length = static_cast<std::uint32_t>(bytes.size());
    slot.rank = rank;
    if (bytes.size() <= inline_key_bytes) {
        slot.key = padded_word(bytes);
    } else {
        slot.key = arena_.size();
        arena_.append(bytes);
    }
    ++count_;
    return true;
}

std::int32_t RankTable::find(std::string_view bytes) const {
    if (slots_.empty()) return absent;
    return slots_[probe(bytes)].rank;
}

} // namespace hearth::tokenizer
