// A read-only memory mapping of a whole file. Model weights are used in place from the mapping,
// never copied; the operating system pages them in on demand.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "hearth/error.h"

namespace hearth::format {

class MappedFile {
  public:
    static Result<MappedFile> open(const std::filesystem::path& path);
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    ~MappedFile();

    std::span<const std::byte> bytes() const { return {data_, size_}; }
    std::size_t size() const { return size_; }
    const std::filesystem::path& path() const { return path_; }

  private:
    MappedFile(std::filesystem::path path, const std::byte* data, std::size_t size)
        : path_(std::move(path)), data_(data), size_(size) {}
    std::filesystem::path path_;
    const std::byte* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace hearth::format
