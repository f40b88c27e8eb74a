#include "safetensors_file.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

namespace hearth::format {
namespace {

using nlohmann::json;

// Real headers are well under a megabyte (the 120b model's is ~200 KB).
constexpr std::uint64_t max_header_bytes = 100u << 20;
constexpr std::size_t max_dimensions = 8;

struct Parsed {
    std::vector<TensorInfo> tensors;
    std::map<std::string, std::string, std::less<>> metadata;
};

Result<TensorInfo> parse_entry(const std::string& name, const json& entry,
                               std::span<const std::byte> data, const std::string& file) {
    auto bad = [&](const std::string& problem) {
        return fail(file + ": tensor " + name + " " + problem);
    };
    if (!entry.is_object()) return bad("is not described by an object");
    const auto dtype = entry.find("dtype");
    const auto shape = entry.find("shape");
    const auto offsets = entry.find("data_offsets");
    if (dtype == entry.end() || !dtype->is_string()) return bad("has no dtype");
    if (shape == entry.end() || !shape->is_array()) return bad("has no shape");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 ||
        !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
        return bad("has no valid data_offsets");
    }
    auto type = tensor_type_from_safetensors(dtype->get<std::string>());
    if (!type) return bad("has " + type.error().message);

    TensorInfo info;
    info.name = name;
    info.type = *type;
    info.element_count = 1;
    if (shape->size() > max_dimensions) return bad("has too many dimensions");
    for (auto it = shape->rbegin(); it != shape->rend(); ++it) { // stored outermost first
        if (!it->is_number_unsigned()) return bad("has an invalid shape");
        const auto extent = it->get<std::uint64_t>();
        if (extent != 0 &&
            info.element_count > std::numeric_limits<std::uint64_t>::max() / extent) {
            return bad("has an impossible shape");
        }
        info.element_count *= extent;
        info.shape.push_back(extent);
    }
    if (info.shape.empty()) info.shape.push_back(1); // a scalar
    if (info.element_count == 0) return bad("is empty");
    const auto begin = (*offsets)[0].get<std::uint64_t>();
    const auto end = (*offsets)[1].get<std::uint64_t>();
    const auto size = storage_bytes(info.type, info.element_count);
    if (begin > end || !size || end - begin != *size) {
        return bad("has data_offsets that do not match its shape and dtype");
    }
    if (end > data.size()) return bad("ends past the end of the file (truncated?)");
    info.data = data.subspan(begin, end - begin);
    return info;
}

Result<Parsed> parse_header(std::span<const std::byte> bytes, const std::string& file) {
    std::uint64_t header_size = 0;
    if (bytes.size() < 8) return fail(file + ": the file is truncated (no header)");
    std::memcpy(&header_size, bytes.data(), 8);
    if (header_size > max_header_bytes) {
        return fail(file + ": not a safetensors file (header size " + std::to_string(header_size) +
                    ")");
    }
    if (header_size > bytes.size() - 8) return fail(file + ": the file is truncated (header)");
    const char* text = reinterpret_cast<const char*>(bytes.data() + 8);
    const json header = json::parse(text, text + header_size, nullptr, false);
    if (header.is_discarded() || !header.is_object()) {
        return fail(file + ": the safetensors header is not a JSON object");
    }
    const auto data = bytes.subspan(8 + header_size);

    Parsed parsed;
    for (const auto& [key, value] : header.items()) {
        if (key == "__metadata__") {
            if (!value.is_object()) return fail(file + ": __metadata__ is not an object");
            for (const auto& [mkey, mvalue] : value.items()) {
                if (mvalue.is_string()) parsed.metadata.emplace(mkey, mvalue.get<std::string>());
            }
            continue;
        }
        auto info = parse_entry(key, value, data, file);
        if (!info) return std::unexpected(info.error());
        parsed.tensors.push_back(std::move(*info));
    }
    // JSON objects cannot repeat keys after parsing, but byte ranges can still collide.
    std::vector<const TensorInfo*> by_offset;
    for (const auto& t : parsed.tensors)
        by_offset.push_back(&t);
    std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
        return a->data.data() < b->data.data();
    });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
        const auto* previous = by_offset[i - 1];
        if (by_offset[i]->data.data() < previous->data.data() + previous->data.size()) {
            return fail(file + ": tensors " + previous->name + " and " + by_offset[i]->name +
                        " overlap");
        }
    }
    return parsed;
}

Result<json> read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("Cannot open " + path.string());
    json value = json::parse(in, nullptr, false);
    if (value.is_discarded()) return fail(path.string() + ": not valid JSON");
    return value;
}

// Shard names come from an untrusted index: plain file names only, never paths.
bool is_plain_file_name(const std::string& name) {
    return !name.empty() && name.find('/') == std::string::npos &&
           name.find('\\') == std::string::npos && name != "." && name != "..";
}

} // namespace

Result<SafetensorsFile> SafetensorsFile::parse(std::span<const std::byte> bytes, std::string name) {
    auto parsed = parse_header(bytes, name);
    if (!parsed) return std::unexpected(parsed.error());
    SafetensorsFile file;
    file.name_ = std::move(name);
    file.tensors_ = std::move(parsed->tensors);
    file.metadata_ = std::move(parsed->metadata);
    return file;
}

Result<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
    auto mapped = MappedFile::open(path);
    if (!mapped) return std::unexpected(mapped.error());
    auto owned = std::make_unique<MappedFile>(std::move(*mapped));
    auto file = parse(owned->bytes(), path.string());
    if (!file) return file;
    file->file_ = std::move(owned);
    return file;
}

Result<SafetensorsModel> SafetensorsModel::open(const std::filesystem::path& folder) {
    std::vector<std::string> shard_names;
    const auto index_path = folder / "model.safetensors.index.json";
    if (std::filesystem::exists(index_path)) {
        auto index = read_json_file(index_path);
        if (!index) return std::unexpected(index.error());
        const auto map = index->find("weight_map");
        if (map == index->end() || !map->is_object()) {
            return fail(index_path.string() + ": has no weight_map");
        }
        for (const auto& [tensor, shard] : map->items()) {
            if (!shard.is_string() || !is_plain_file_name(shard.get<std::string>())) {
                return fail(index_path.string() + ": invalid shard name for " + tensor);
            }
            const auto name = shard.get<std::string>();
            if (std::find(shard_names.begin(), shard_names.end(), name) == shard_names.end()) {
                shard_names.push_back(name);
            }
        }
    } else if (std::filesystem::exists(folder / "model.safetensors")) {
        shard_names.push_back("model.safetensors");
    } else {
        return fail(folder.string() + ": no model.safetensors or model.safetensors.index.json");
    }

    SafetensorsModel model;
    model.shards_.reserve(shard_names.size());
    for (const auto& name : shard_names) {
        auto shard = SafetensorsFile::open(folder / name);
        if (!shard) return std::unexpected(shard.error());
        model.shards_.push_back(std::move(*shard));
    }
    for (const auto& shard : model.shards_) {
        for (const auto& tensor : shard.tensors()) {
            if (!model.index_.emplace(tensor.name, &tensor).second) {
                return fail(folder.string() + ": tensor " + tensor.name +
                            " appears in more than one shard");
            }
        }
    }
    return model;
}

const TensorInfo* SafetensorsModel::find_tensor(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : it->second;
}

std::uint64_t SafetensorsModel::total_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, tensor] : index_)
        total += tensor->data.size();
    return total;
}

} // namespace hearth::format
