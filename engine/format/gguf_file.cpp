#include "gguf_file.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>

namespace hearth::format {

// Reads a GGUF byte stream front to back. Every read is bounds-checked; every count is checked
// against the bytes that remain before anything is allocated for it.
class GgufParser {
  public:
    GgufParser(std::span<const std::byte> bytes, GgufFile& file) : bytes_(bytes), file_(file) {}

    Result<void> parse() {
        if (auto r = parse_header(); !r) return r;
        if (auto r = parse_metadata(); !r) return r;
        if (auto r = parse_tensor_infos(); !r) return r;
        return place_tensors();
    }

  private:
    // Upper bounds that no real model comes near; they stop absurd counts early.
    static constexpr std::uint64_t max_dimensions = 4;
    static constexpr int max_array_nesting = 4;
    static constexpr std::uint64_t max_alignment = 1u << 20;

    std::unexpected<Error> error(std::string problem) const {
        return fail(file_.name_ + ": " + problem);
    }
    std::unexpected<Error> truncated(std::string_view what) const {
        return error("the file is truncated (while reading " + std::string(what) + " at byte " +
                     std::to_string(pos_) + ")");
    }
    std::uint64_t remaining() const { return bytes_.size() - pos_; }

    template <typename T>
    bool read(T& value) {
        if (remaining() < sizeof(T)) return false;
        std::memcpy(&value, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return true;
    }

    bool read_string(std::string_view& out) {
        std::uint64_t length = 0;
        if (!read(length) || length > remaining()) return false;
        out = {reinterpret_cast<const char*>(bytes_.data() + pos_),
               static_cast<std::size_t>(length)};
        pos_ += length;
        return true;
    }

    Result<void> parse_header() {
        char magic[4];
        if (!read(magic)) return truncated("the header");
        if (std::memcmp(magic, "GGUF", 4) != 0) return error("not a GGUF file (bad magic)");
        std::uint32_t version = 0;
        if (!read(version)) return truncated("the header");
        if (version == 1) return error("GGUF version 1 is not supported (convert the file again)");
        if (version != 2 && version != 3) {
            if (std::byteswap(version) == 2 || std::byteswap(version) == 3) {
                return error("big-endian GGUF files are not supported");
            }
            return error("unknown GGUF version " + std::to_string(version));
        }
        file_.version_ = version;
        if (!read(tensor_count_) || !read(kv_count_)) return truncated("the header");
        // A key/value takes at least 13 bytes and a tensor record at least 24.
        if (kv_count_ > remaining() / 13) {
            return error("metadata count " + std::to_string(kv_count_) +
                         " does not fit in the file (truncated or corrupt)");
        }
        if (tensor_count_ > remaining() / 24) {
            return error("tensor count " + std::to_string(tensor_count_) +
                         " does not fit in the file (truncated or corrupt)");
        }
        return {};
    }

    // Checks an array's elements and advances past them.
    Result<void> skip_array(GgufType element_type, std::uint64_t count, int depth) {
        if (depth > max_array_nesting) return error("metadata arrays are nested too deeply");
        switch (element_type) {
        case GgufType::string:
            for (std::uint64_t i = 0; i < count; ++i) {
                std::string_view ignored;
                if (!read_string(ignored)) return truncated("a string array");
            }
            return {};
        case GgufType::array:
            for (std::uint64_t i = 0; i < count; ++i) {
                std::uint32_t inner_type = 0;
                std::uint64_t inner_count = 0;
                if (!read(inner_type) || !read(inner_count)) return truncated("a nested array");
                if (inner_type > static_cast<std::uint32_t>(GgufType::f64)) {
                    return error("unknown metadata type " + std::to_string(inner_type));
                }
                auto r = skip_array(static_cast<GgufType>(inner_type), inner_count, depth + 1);
                if (!r) return r;
            }
            return {};
        default: {
            const std::uint64_t size = scalar_size(element_type);
            if (count > remaining() / size) return truncated("an array");
            pos_ += count * size;
            return {};
        }
        }
    }

    static std::uint64_t scalar_size(GgufType type) {
        switch (type) {
        case GgufType::u8:
        case GgufType::i8:
        case GgufType::boolean: return 1;
        case GgufType::u16:
        case GgufType::i16: return 2;
        case GgufType::u32:
        case GgufType::i32:
        case GgufType::f32: return 4;
        default: return 8;
        }
    }

    template <typename T, typename Stored>
    Result<GgufValue> read_scalar(std::string_view key) {
        T value{};
        if (!read(value)) return truncated("the value of " + std::string(key));
        return GgufValue{static_cast<Stored>(value)};
    }

    Result<GgufValue> read_value(GgufType type, std::string_view key) {
        switch (type) {
        case GgufType::u8: return read_scalar<std::uint8_t, std::uint64_t>(key);
        case GgufType::u16: return read_scalar<std::uint16_t, std::uint64_t>(key);
        case GgufType::u32: return read_scalar<std::uint32_t, std::uint64_t>(key);
        case GgufType::u64: return read_scalar<std::uint64_t, std::uint64_t>(key);
        case GgufType::i8: return read_scalar<std::int8_t, std::int64_t>(key);
        case GgufType::i16: return read_scalar<std::int16_t, std::int64_t>(key);
        case GgufType::i32: return read_scalar<std::int32_t, std::int64_t>(key);
        case GgufType::i64: return read_scalar<std::int64_t, std::int64_t>(key);
        case GgufType::f32: return read_scalar<float, double>(key);
        case GgufType::f64: return read_scalar<double, double>(key);
        case GgufType::boolean: {
            std::uint8_t value = 0;
            if (!read(value)) return truncated("the value of " + std::string(key));
            if (value > 1) return error("metadata " + std::string(key) + " is not a valid bool");
            return GgufValue{value == 1};
        }
        case GgufType::string: {
            std::string_view value;
            if (!read_string(value)) return truncated("the value of " + std::string(key));
            return GgufValue{value};
        }
        case GgufType::array: {
            std::uint32_t element_type = 0;
            std::uint64_t count = 0;
            if (!read(element_type) || !read(count))
                return truncated("the array " + std::string(key));
            if (element_type > static_cast<std::uint32_t>(GgufType::f64)) {
                return error("unknown metadata type " + std::to_string(element_type) + " in " +
                             std::string(key));
            }
            const std::uint64_t start = pos_;
            auto r = skip_array(static_cast<GgufType>(element_type), count, 1);
            if (!r) return std::unexpected(r.error());
            return GgufValue{GgufArray{static_cast<GgufType>(element_type), count,
                                       bytes_.subspan(start, pos_ - start)}};
        }
        }
        return error("unknown metadata type in " + std::string(key));
    }

    Result<void> parse_metadata() {
        for (std::uint64_t i = 0; i < kv_count_; ++i) {
            std::string_view key;
            std::uint32_t type = 0;
            if (!read_string(key) || !read(type)) return truncated("the metadata");
            if (type > static_cast<std::uint32_t>(GgufType::f64)) {
                return error("unknown metadata type " + std::to_string(type) + " for " +
                             std::string(key));
            }
            auto value = read_value(static_cast<GgufType>(type), key);
            if (!value) return std::unexpected(value.error());
            if (!file_.metadata_.emplace(std::string(key), *value).second) {
                return error("duplicate metadata key " + std::string(key));
            }
        }
        return {};
    }

    Result<void> parse_tensor_infos() {
        file_.tensors_.reserve(tensor_count_);
        for (std::uint64_t i = 0; i < tensor_count_; ++i) {
            std::string_view name;
            std::uint32_t dims = 0;
            if (!read_string(name) || !read(dims)) return truncated("the tensor table");
            if (dims == 0 || dims > max_dimensions) {
                return error("tensor " + std::string(name) + " has " + std::to_string(dims) +
                             " dimensions");
            }
            TensorInfo info;
            info.name = name;
            info.element_count = 1;
            for (std::uint32_t d = 0; d < dims; ++d) {
                std::uint64_t extent = 0;
                if (!read(extent)) return truncated("the tensor table");
                if (extent == 0 ||
                    info.element_count > std::numeric_limits<std::uint64_t>::max() / extent) {
                    return error("tensor " + info.name + " has an impossible shape");
                }
                info.element_count *= extent;
                info.shape.push_back(extent);
            }
            std::uint32_t ggml_type = 0;
            std::uint64_t offset = 0;
            if (!read(ggml_type) || !read(offset)) return truncated("the tensor table");
            auto type = tensor_type_from_ggml(ggml_type);
            if (!type) return error("tensor " + info.name + ": " + type.error().message);
            info.type = *type;
            if (info.shape[0] % block_elements(info.type) != 0) {
                return error("tensor " + info.name + " rows are not a whole number of " +
                             std::string(to_string(info.type)) + " blocks");
            }
            offsets_.push_back(offset);
            if (!file_.tensor_index_.emplace(info.name, file_.tensors_.size()).second) {
                return error("duplicate tensor name " + info.name);
            }
            file_.tensors_.push_back(std::move(info));
        }
        return {};
    }

    Result<void> place_tensors() {
        std::uint64_t alignment = 32;
        if (file_.find("general.alignment")) {
            auto value = file_.get_uint("general.alignment");
            if (!value) return std::unexpected(value.error());
            alignment = *value;
            if (alignment == 0 || alignment > max_alignment || !std::has_single_bit(alignment)) {
                return error("general.alignment " + std::to_string(alignment) +
                             " is not a power of two");
            }
        }
        const std::uint64_t data_start = (pos_ + alignment - 1) / alignment * alignment;
        if (data_start > bytes_.size() && !file_.tensors_.empty()) {
            return error("the file is truncated (no tensor data)");
        }
        const std::uint64_t data_size =
            bytes_.size() - std::min<std::uint64_t>(data_start, bytes_.size());

        std::vector<std::size_t> by_offset(file_.tensors_.size());
        for (std::size_t i = 0; i < by_offset.size(); ++i)
            by_offset[i] = i;
        std::sort(by_offset.begin(), by_offset.end(),
                  [&](std::size_t a, std::size_t b) { return offsets_[a] < offsets_[b]; });
        std::uint64_t previous_end = 0;
        const TensorInfo* previous = nullptr;
        for (std::size_t i : by_offset) {
            TensorInfo& info = file_.tensors_[i];
            const std::uint64_t offset = offsets_[i];
            const auto size = storage_bytes(info.type, info.element_count);
            if (!size) return error("tensor " + info.name + " has an impossible size");
            if (offset % alignment != 0) {
                return error("tensor " + info.name + " is misaligned (offset " +
                             std::to_string(offset) + ")");
            }
            if (offset > data_size || *size > data_size - offset) {
                return error("the file is truncated (tensor " + info.name + " ends past the end)");
            }
            if (previous && offset < previous_end) {
                return error("tensors " + previous->name + " and " + info.name + " overlap");
            }
            info.data = bytes_.subspan(data_start + offset, *size);
            previous_end = offset + *size;
            previous = &info;
        }
        return {};
    }

    std::span<const std::byte> bytes_;
    GgufFile& file_;
    std::uint64_t pos_ = 0;
    std::uint64_t tensor_count_ = 0;
    std::uint64_t kv_count_ = 0;
    std::vector<std::uint64_t> offsets_;
};

Result<GgufFile> GgufFile::open(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return std::unexpected(mapped.error());
    const auto bytes = mapped->bytes();
    auto file = parse(bytes, path.string());
    if (!file) return file;
    file->file_ = std::move(*mapped); // the mapping moves; the bytes it holds stay where they are
    return file;
}

Result<GgufFile> GgufFile::parse(std::span<const std::byte> bytes, std::string name) {
    GgufFile file;
    file.name_ = std::move(name);
    file.file_size_ = bytes.size();
    GgufParser parser(bytes, file);
    if (auto r = parser.parse(); !r) return std::unexpected(r.error());
    return file;
}

} // namespace hearth::format
