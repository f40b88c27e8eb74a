// Safetensors model files: one file, or a Hugging Face folder of shards with an index.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "hearth/error.h"
#include "mapped_file.h"
#include "tensor_info.h"

namespace hearth::format {

class SafetensorsFile {
  public:
    static Result<SafetensorsFile> open(const std::filesystem::path& path);
    // Parses bytes that stay owned by the caller (fuzzing, tests). `name` appears in errors.
    static Result<SafetensorsFile> parse(std::span<const std::byte> bytes, std::string name);

    const std::string& name() const { return name_; }
    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }

  private:
    SafetensorsFile() = default;
    std::unique_ptr<MappedFile> file_; // unique_ptr: tensor spans must survive moves of this
    std::string name_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, std::string, std::less<>> metadata_;
};

// All tensors of a Hugging Face checkpoint folder: `model.safetensors.index.json` with its shards,
// or a single `model.safetensors`.
class SafetensorsModel {
  public:
    static Result<SafetensorsModel> open(const std::filesystem::path& folder);

    const std::vector<SafetensorsFile>& shards() const { return shards_; }
    const TensorInfo* find_tensor(std::string_view name) const;
    std::size_t tensor_count() const { return index_.size(); }
    std::uint64_t total_bytes() const;

  private:
    std::vector<SafetensorsFile> shards_;
    std::map<std::string, const TensorInfo*, std::less<>> index_;
};

} // namespace hearth::format
