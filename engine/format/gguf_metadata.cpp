// GgufFile's typed metadata lookups.
#include <cstring>

#include "gguf_file.h"

namespace hearth::format {
namespace {

template <typename T>
T load(const std::byte* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

} // namespace

const TensorInfo* GgufFile::find_tensor(std::string_view name) const {
    auto it = tensor_index_.find(name);
    return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufValue* GgufFile::find(std::string_view key) const {
    auto it = metadata_.find(key);
    return it == metadata_.end() ? nullptr : &it->second;
}

std::unexpected<Error> GgufFile::key_error(std::string_view key, std::string_view problem) const {
    return fail(name_ + ": metadata " + std::string(key) + " " + std::string(problem));
}

Result<std::string_view> GgufFile::get_string(std::string_view key) const {
    const GgufValue* value = find(key);
    if (!value) return key_error(key, "is missing");
    if (const auto* s = std::get_if<std::string_view>(value)) return *s;
    return key_error(key, "is not a string");
}

Result<std::uint64_t> GgufFile::get_uint(std::string_view key) const {
    const GgufValue* value = find(key);
    if (!value) return key_error(key, "is missing");
    if (const auto* u = std::get_if<std::uint64_t>(value)) return *u;
    if (const auto* i = std::get_if<std::int64_t>(value); i && *i >= 0) {
        return static_cast<std::uint64_t>(*i);
    }
    return key_error(key, "is not a non-negative integer");
}

Result<double> GgufFile::get_float(std::string_view key) const {
    const GgufValue* value = find(key);
    if (!value) return key_error(key, "is missing");
    if (const auto* d = std::get_if<double>(value)) return *d;
    if (const auto* u = std::get_if<std::uint64_t>(value)) return static_cast<double>(*u);
    if (const auto* i = std::get_if<std::int64_t>(value)) return static_cast<double>(*i);
    return key_error(key, "is not a number");
}

Result<std::vector<std::string_view>> GgufFile::get_string_array(std::string_view key) const {
    const GgufValue* value = find(key);
    if (!value) return key_error(key, "is missing");
    const auto* array = std::get_if<GgufArray>(value);
    if (!array || array->element_type != GgufType::string) {
        return key_error(key, "is not an array of strings");
    }
    // The parser already checked every length against the payload.
    std::vector<std::string_view> strings;
    strings.reserve(array->count);
    const std::byte* p = array->payload.data();
    for (std::uint64_t i = 0; i < array->count; ++i) {
        const auto length = load<std::uint64_t>(p);
        strings.emplace_back(reinterpret_cast<const char*>(p + 8), length);
        p += 8 + length;
    }
    return strings;
}

Result<std::vector<std::int64_t>> GgufFile::get_int_array(std::string_view key) const {
    const GgufValue* value = find(key);
    if (!value) return key_error(key, "is missing");
    const auto* array = std::get_if<GgufArray>(value);
    if (!array) return key_error(key, "is not an array");
    std::vector<std::int64_t> values;
    values.reserve(array->count);
    const std::byte* p = array->payload.data();
    for (std::uint64_t i = 0; i < array->count; ++i) {
        switch (array->element_type) {
        case GgufType::u8: values.push_back(load<std::uint8_t>(p + i)); break;
        case GgufType::i8: values.push_back(load<std::int8_t>(p + i)); break;
        case GgufType::u16: values.push_back(load<std::uint16_t>(p + 2 * i)); break;
        case GgufType::i16: values.push_back(load<std::int16_t>(p + 2 * i)); break;
        case GgufType::u32: values.push_back(load<std::uint32_t>(p + 4 * i)); break;
        case GgufType::i32: values.push_back(load<std::int32_t>(p + 4 * i)); break;
        case GgufType::i64: values.push_back(load<std::int64_t>(p + 8 * i)); break;
        case GgufType::u64: {
            const auto v = load<std::uint64_t>(p + 8 * i);
            if (v > static_cast<std::uint64_t>(INT64_MAX)) return key_error(key, "overflows");
            values.push_back(static_cast<std::int64_t>(v));
            break;
        }
        default: return key_error(key, "is not an array of integers");
        }
    }
    return values;
}

} // namespace hearth::format
