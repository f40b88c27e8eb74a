#include "kv_cache_size.h"

#include <algorithm>
#include <string_view>

namespace hearth::app {
namespace {

std::optional<std::uint32_t> hyperparameter(const ModelInspection& inspection,
                                            std::string_view name) {
    const auto value = inspection.hyperparameter(name);
    if (!value || *value < 0) return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

} // namespace

std::optional<KvCacheShape> kv_cache_shape(const ModelInspection& inspection) {
    const auto layers = hyperparameter(inspection, "layers");
    const auto kv_heads = hyperparameter(inspection, "kv_heads");
    const auto head_dim = hyperparameter(inspection, "head_dim");
    const auto window = hyperparameter(inspection, "sliding_window");
    if (!layers || !kv_heads || !head_dim || !window) return std::nullopt;
    return KvCacheShape{.layers = *layers,
                        .kv_heads = *kv_heads,
                        .head_dim = *head_dim,
                        .sliding_window = *window,
                        .bytes_per_value = 4};
}

std::uint64_t kv_cache_bytes(const KvCacheShape& shape, std::uint64_t positions) {
    std::uint64_t held = 0; // positions summed over the layers
    for (std::uint32_t layer = 0; layer < shape.layers; ++layer) {
        const bool sliding = layer % 2 == 0;
        held += sliding ? std::min<std::uint64_t>(positions, shape.sliding_window) : positions;
    }
    return held * 2 /* K and V */ * shape.kv_heads * shape.head_dim * shape.bytes_per_value;
}

} // namespace hearth::app
