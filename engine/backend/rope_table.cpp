#include "rope_table.h"

#include <cmath>

#include "backend/cpu/ops.h"

namespace hearth::gpu {

std::vector<float> rope_table(const model::ModelConfig& config, std::uint32_t positions) {
    const cpu::YarnRope rope(config);
    const std::size_t pairs = config.head_dim / 2;
    std::vector<float> table(std::size_t{positions} * config.head_dim);
    for (std::uint32_t position = 0; position < positions; ++position) {
        float* row = table.data() + std::size_t{position} * config.head_dim;
        for (std::size_t i = 0; i < pairs; ++i) {
            const double angle = static_cast<double>(position) * rope.inverse_frequencies()[i];
            row[i] = static_cast<float>(std::cos(angle)) * rope.concentration();
            row[pairs + i] = static_cast<float>(std::sin(angle)) * rope.concentration();
        }
    }
    return table;
}

} // namespace hearth::gpu
