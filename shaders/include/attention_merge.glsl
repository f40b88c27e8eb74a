// Merging a head's split-K partial results (attention_decode.comp, attention_prefill.comp) with
// the head's learned sink logit, which joins the softmax but has no value. A head's `splits`
// partial results are consecutive in `partials` from word `first`, each HEAD_DIM unnormalised
// outputs, then the running maximum, then the sum. The includer declares HEAD_DIM and the buffer
// `partials`.

// The merged softmax's largest logit m and its denominator, over the splits and the sink.
void merge_weights(uint first, uint splits, float sink, out float m, out float denominator) {
    m = sink;
    for (uint s = 0u; s < splits; ++s) m = max(m, partials[first + s * (HEAD_DIM + 2u) + HEAD_DIM]);
    denominator = exp(sink - m);
    for (uint s = 0u; s < splits; ++s) {
        uint at = first + s * (HEAD_DIM + 2u);
        denominator += partials[at + HEAD_DIM + 1u] * exp(partials[at + HEAD_DIM] - m);
    }
}

// Output d of the head: the splits' outputs d, each rescaled to the maximum m, over the
// denominator.
float merged_output(uint first, uint splits, uint d, float m, float denominator) {
    float sum = 0.0;
    for (uint s = 0u; s < splits; ++s) {
        uint at = first + s * (HEAD_DIM + 2u);
        sum += partials[at + d] * exp(partials[at + HEAD_DIM] - m);
    }
    return sum / denominator;
}
