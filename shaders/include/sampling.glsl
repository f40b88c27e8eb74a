// What the sampling shaders share (kernel_args.h, SampleArgs): which ids can be drawn at all and
// their softmax weights. The includer declares the buffers `excluded` and `draw`.

const float negative_infinity = -1.0 / 0.0;

// Not excluded, and a logit above -infinity (false for NaN too).
bool usable(uint id, float logit) {
    return (excluded[id >> 5u] & (1u << (id & 31u))) == 0u && logit > negative_infinity;
}

// The softmax weight of `logit` relative to the largest logit `top`.
float weight_of(float logit, float top) { return exp((logit - top) / draw.temperature); }

// Usable, at or above the cut, and at least min_p as likely as the best id.
bool kept(uint id, float logit, float top, float cut) {
    return usable(id, logit) && logit >= cut &&
           (draw.min_p <= 0.0 || weight_of(logit, top) >= draw.min_p);
}
