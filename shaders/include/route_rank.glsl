// Choosing a token's experts from its router logits: the top `chosen` (the lower index first on
// ties) and the softmax over them, by the whole workgroup (barriers inside). Route word `slot`
// is the chosen expert's id and word `chosen + slot` its weight (f32 bits). The includer defines
// float router_logit(uint expert) and void set_route(uint word, uint value).
//
// Every invocation ranks its own experts against all the others at once: no invocation walks
// the logits slot after slot, and no array is indexed by a loop counter (a GPU keeps such arrays
// in slow per-thread memory).

const uint max_chosen = 8u;    // the host refuses models that choose more
const uint max_experts = 256u; // or that have more experts

shared uint ranked[max_experts]; // order-preserving keys of the logits
shared float chosen_logits[max_chosen];

// A key per logit whose unsigned order is the logits' order, -0 equal to +0, and a NaN below
// every number: integers, so no compiler assumption about NaN can make two experts tie.
uint rank_key(float logit) {
    uint bits = floatBitsToUint(logit), magnitude = bits & 0x7FFFFFFFu;
    if (magnitude > 0x7F800000u) return 0u; // NaN
    if (magnitude == 0u) bits = 0u;
    return (bits & 0x80000000u) != 0u ? ~bits : bits | 0x80000000u;
}

// Invocation t of `invocations` takes experts t, t + invocations, ...
void choose_experts(uint experts, uint chosen, uint t, uint invocations) {
    for (uint e = t; e < experts; e += invocations) ranked[e] = rank_key(router_logit(e));
    barrier();
    // An expert's rank: how many experts have a larger logit, or an equal one and a lower index.
    for (uint e = t; e < experts; e += invocations) {
        uint key = ranked[e], rank = 0u;
        for (uint other = 0u; other < experts; ++other) {
            uint rival = ranked[other];
            if (rival > key || (rival == key && other < e)) ++rank;
        }
        if (rank < chosen) {
            set_route(rank, e);
            chosen_logits[rank] = router_logit(e);
        }
    }
    barrier();
    // Each invocation sums the slots in slot order, so all of them divide by the same sum; a
    // workgroup may have fewer invocations than slots.
    float largest = chosen_logits[0], sum = 0.0;
    for (uint slot = 0u; slot < chosen; ++slot) sum += exp(chosen_logits[slot] - largest);
    for (uint slot = t; slot < chosen; slot += invocations) {
        set_route(chosen + slot, floatBitsToUint(exp(chosen_logits[slot] - largest) / sum));
    }
}
