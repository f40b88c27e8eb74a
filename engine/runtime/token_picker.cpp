#include "hearth/token_picker.h"

#include <cmath>
#include <limits>

namespace hearth {

TokenPicker::TokenPicker(Sequence& sequence, std::uint32_t vocab_size,
                         const SamplingSettings& settings, const std::vector<bool>& never_sample)
    : sequence_(sequence), settings_(settings), never_sample_(never_sample), sampler_(settings),
      draws_(settings.seed) {
    // A device that cannot take the exclusions leaves the draw to the host.
    on_device_ = sequence_.samples_on_device(settings_) &&
                 (never_sample_.empty() || sequence_.exclude_from_sampling(never_sample_));
    if (!on_device_) logits_.resize(vocab_size);
}

Result<std::int32_t> TokenPicker::run(std::span<const std::int32_t> tokens) {
    if (on_device_) {
        // Each draw's random number is made a call early, so the device can run a step ahead.
        std::uniform_real_distribution<float> random(0.0f, 1.0f);
        const float now = next_random_ ? *next_random_ : random(draws_);
        next_random_ = random(draws_);
        return sequence_.append_and_sample(tokens, settings_, now, next_random_);
    }
    if (auto ran = sequence_.append(tokens, logits_); !ran) return std::unexpected(ran.error());
    // As on a device: excluded ids and NaN logits are never drawn, and nothing left is an error.
    bool drawable = false;
    for (std::size_t id = 0; id < logits_.size(); ++id) {
        if ((id < never_sample_.size() && never_sample_[id]) || std::isnan(logits_[id])) {
            logits_[id] = -std::numeric_limits<float>::infinity();
        }
        drawable = drawable || logits_[id] > -std::numeric_limits<float>::infinity();
    }
    if (!drawable) return fail(nothing_to_draw_message);
    return sampler_.sample(logits_);
}

} // namespace hearth
