// Merging a head's split-K partial results with the head's learned sink logit, which joins the
// softmax but has no value: by the last of one token's attention workgroups
// (attention_decode.comp), and for a batch's (attention_prefill.comp's) by
// attention_combine.comp. A head's partial results are consecutive in `partials` (partial_at),
// each HEAD_DIM unnormalised outputs, then the running maximum, then the sum. The includer
// declares HEAD_DIM and defines these two, read from `partials` or from where it put them, for
// the head it names by `head` (its own index: where the head's results start, or its place):
float split_maximum(uint head, uint s); // split s's running maximum
float split_sum(uint head, uint s);     // and its sum

// Where split s's partial result starts.
uint partial_at(uint first, uint s) { return first + s * (HEAD_DIM + 2u); }

// The merged softmax's largest logit m and its denominator, over the head's splits and its sink.
// Split s's outputs count exp(split_maximum(head, s) - m) times.
void merge_weights(uint head, uint splits, float sink, out float m, out float denominator) {
    m = sink;
    for (uint s = 0u; s < splits; ++s) m = max(m, split_maximum(head, s));
    denominator = exp(sink - m);
    for (uint s = 0u; s < splits; ++s) {
        denominator += split_sum(head, s) * exp(split_maximum(head, s) - m);
    }
}
