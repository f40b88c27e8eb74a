// How many bytes one decoded token must read: the weights it touches and the KV cache.
#pragma once

#include <cstdint>

#include "model/model_files.h"

namespace hearth::model {

std::uint64_t bytes_read_per_token(const ModelFiles& files, std::uint32_t context);

} // namespace hearth::model
