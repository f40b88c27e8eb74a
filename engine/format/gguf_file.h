// A GGUF (v2/v3) model file: metadata key/values and the tensor table over a mapped file.
// Everything is validated when the file is opened; afterwards no accessor can read out of bounds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "hearth/error.h"
#include "mapped_file.h"
#include "tensor_info.h"

namespace hearth::format {

// GGUF metadata value types (gguf spec numbering).
enum class GgufType : std::uint32_t {
    u8 = 0,
    i8 = 1,
    u16 = 2,
    i16 = 3,
    u32 = 4,
    i32 = 5,
    f32 = 6,
    boolean = 7,
    string = 8,
    array = 9,
    u64 = 10,
    i64 = 11,
    f64 = 12,
};

// An array value, kept as its validated raw bytes; read it with the GgufFile helpers.
struct GgufArray {
    GgufType element_type;
    std::uint64_t count;
    std::span<const std::byte> payload;
};

using GgufValue =
    std::variant<std::uint64_t, std::int64_t, double, bool, std::string_view, GgufArray>;

class GgufFile {
  public:
    static Result<GgufFile> open(const std::filesystem::path& path);
    // Parses bytes that stay owned by the caller (fuzzing, tests). `name` appears in errors.
    static Result<GgufFile> parse(std::span<const std::byte> bytes, std::string name);

    std::uint32_t version() const { return version_; }
    const std::string& name() const { return name_; }
    std::uint64_t file_size() const { return file_size_; }
    const std::map<std::string, GgufValue, std::less<>>& metadata() const { return metadata_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(std::string_view name) const;

    // Typed metadata lookups; the error names the file and the key.
    const GgufValue* find(std::string_view key) const;
    Result<std::string_view> get_string(std::string_view key) const;
    Result<std::uint64_t> get_uint(std::string_view key) const; // any non-negative integer type
    Result<double> get_float(std::string_view key) const;       // any float or integer type
    Result<std::vector<std::string_view>> get_string_array(std::string_view key) const;
    Result<std::vector<std::int64_t>> get_int_array(std::string_view key) const;

  private:
    GgufFile() = default;
    std::unexpected<Error> key_error(std::string_view key, std::string_view problem) const;

    std::optional<MappedFile> file_;
    std::string name_;
    std::uint32_t version_ = 0;
    std::uint64_t file_size_ = 0;
    std::map<std::string, GgufValue, std::less<>> metadata_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, std::size_t, std::less<>> tensor_index_;

    friend class GgufParser;
};

} // namespace hearth::format
