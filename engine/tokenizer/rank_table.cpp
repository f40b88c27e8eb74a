#include "rank_table.h"

#include <bit>
#include <cstring>

namespace hearth::tokenizer {
namespace {

std::uint64_t mix(std::uint64_t value) {
    value ^= value >> 32;
    value *= 0xd6e8feb86659fd93ull;
    value ^= value >> 32;
    return value;
}

// Eight bytes at a time; keys are mostly shorter than 16 bytes.
std::uint32_t hash_bytes(std::string_view bytes) {
    std::uint64_t hash = 0x9E3779B97F4A7C15ull ^ bytes.size();
    std::size_t offset = 0;
    for (; offset + 8 <= bytes.size(); offset += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + offset, 8);
        hash = mix(hash ^ word);
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + offset, bytes.size() - offset);
    return static_cast<std::uint32_t>(mix(hash ^ tail) >> 32);
}

} // namespace

void RankTable::reserve(std::size_t count, std::size_t total_key_bytes) {
    arena_.reserve(total_key_bytes);
    // At most half full keeps probe chains short.
    const std::size_t capacity = std::bit_ceil(count * 2 + 16);
    if (capacity > slots_.size()) {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(capacity, Slot{});
        const std::size_t mask = capacity - 1;
        for (const Slot& slot : old) {
            if (slot.rank == absent) continue;
            std::size_t index = slot.hash & mask;
            while (slots_[index].rank != absent)
                index = (index + 1) & mask;
            slots_[index] = slot;
        }
    }
}

std::size_t RankTable::probe(std::string_view bytes, std::uint32_t hash) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t index = hash & mask;; index = (index + 1) & mask) {
        const Slot& slot = slots_[index];
        if (slot.rank == absent) return index;
        if (slot.hash == hash && slot.length == bytes.size() &&
            std::memcmp(arena_.data() + slot.offset, bytes.data(), bytes.size()) == 0) {
            return index;
        }
    }
}

void RankTable::grow() { reserve(slots_.size(), arena_.size()); }

bool RankTable::insert(std::string_view bytes, std::int32_t rank) {
    if ((count_ + 1) * 2 > slots_.size()) grow();
    const std::uint32_t hash = hash_bytes(bytes);
    Slot& slot = slots_[probe(bytes, hash)];
    if (slot.rank != absent) return false;
    slot = Slot{static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(bytes.size()),
                hash, rank};
    arena_.append(bytes);
    ++count_;
    return true;
}

std::int32_t RankTable::find(std::string_view bytes) const {
    if (slots_.empty()) return absent;
    return slots_[probe(bytes, hash_bytes(bytes))].rank;
}

} // namespace hearth::tokenizer
