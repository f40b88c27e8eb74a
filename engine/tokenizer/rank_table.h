// Byte string -> BPE rank, the lookup at the heart of encoding. An open-addressing hash table:
// keys of up to 8 bytes (most lookups during merging) sit inside their slot, longer ones in one
// contiguous arena, so a lookup is one hash plus usually one probe and one cache line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tokenizer {

class RankTable {
  public:
    static constexpr std::int32_t absent = -1;

    // Sizes the table for `count` keys; call before inserting.
    void reserve(std::size_t count, std::size_t total_key_bytes);

    // Adds a key; returns false (and changes nothing) when the key is already present.
    bool insert(std::string_view bytes, std::int32_t rank);

    std::int32_t find(std::string_view bytes) const;

    std::size_t size() const { return count_; }

  private:
    struct Slot {
        std::uint64_t key = 0; // the bytes, zero-padded, up to 8; else the arena offset
        std::uint32_t length = 0;
        std::int32_t rank = absent;
    };

    std::size_t probe(std::string_view bytes) const;
    std::string_view key_of(const Slot& slot) const;

    std::string arena_;
    std::vector<Slot> slots_;
    std::size_t count_ = 0;
};

} // namespace hearth::tokenizer
