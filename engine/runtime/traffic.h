// How many bytes one decoded token must read: the weights it touches and the KV cache.
#pragma once

#include <cstdint>

#include "model/model_files.h"

namespace hearth::model {

// `kv_row_bytes`: what the backend's cache takes for one position of one KV head (keys or values).
std::uint64_t bytes_read_per_token(const ModelFiles& files, std::uint32_t context,
                                   std::uint64_t kv_row_bytes);

} // namespace hearth::model
