// The shape of a model's KV cache, for the settings' context-length choice: the memory a context
// takes is hearth::kv_cache_bytes of it.
#pragma once

#include <optional>

#include "hearth/fit_check.h"
#include "hearth/model_inspection.h"

namespace hearth::app {

// From `hearth-cli inspect`'s hyperparameters; none when one of them is missing.
std::optional<KvCacheShape> kv_cache_shape(const ModelInspection& inspection);

} // namespace hearth::app
