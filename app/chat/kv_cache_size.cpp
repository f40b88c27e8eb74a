#include "kv_cache_size.h"

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
    return KvCacheShape{
        .layers = *layers, .kv_heads = *kv_heads, .head_dim = *head_dim, .sliding_window = *window};
}

} // namespace hearth::app
