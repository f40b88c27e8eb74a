#version 450
// Sampling's last step (see SampleArgs in kernel_args.h), one workgroup: picks the token. Greedy:
// the best of the chunks' best ids. Otherwise the draw walks the kept ids in order until their
// weights pass random * their total, as the host sampler does: first over the chunks' kept
// weights (sample_kept), then over parts of the chunk the draw falls in, then over that part's
// ids. When rounding leaves the draw past the last weight, the last id with weight is taken.
// The step's header then moves on to the token picked, so a step the host submitted ahead runs it.
#extension GL_GOOGLE_include_directive : require
#include "kernel_args.h"

layout(local_size_x = 128) in; // sample_group_size

layout(std430, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, binding = 1) readonly buffer Excluded { uint excluded[]; };
layout(std430, binding = 2) readonly buffer Draw { SampleDraw draw; };
layout(std430, binding = 3) readonly buffer Partials { vec4 partials[]; };
layout(std430, binding = 4) writeonly buffer Picked { uint picked; };
layout(std430, binding = 5) buffer Step {
    StepHeader step;
    uint step_tokens[];
};

layout(push_constant) uniform PushConstants { SampleArgs args; };

#include "sample_chunks.glsl"
#include "sampling.glsl"

shared float top;          // the largest logit of all
shared float cut;          // the lowest logit kept (sample_cut)
shared uint chunk_drawn;   // the chunk the draw falls in
shared float mass_before;  // the weight of every id before that chunk
shared float target;       // random * total weight
shared float share_of[sample_group_size]; // each invocation's part of the drawn chunk

void pick(uint id) {
    picked = id;
    // A step is one token; the next runs this one (or, where nothing could be drawn, id 0 in its
    // place: the host reports that and throws the step away).
    step.first_position += step.count;
    step.count = 1u;
    step_tokens[0] = id < args.vocab ? id : 0u;
}

float kept_weight(uint id, float logit) {
    return kept(id, logit, top, cut) ? weight_of(logit, top) : 0.0;
}

void main() {
    uint t = gl_LocalInvocationID.x;
    stage_chunks(t, sample_group_size);
    if (draw.temperature <= 0.0) {
        if (t != 0u) return;
        float best = negative_infinity;
        uint best_id = 0xFFFFFFFFu; // past the vocabulary: nothing usable
        for (uint g = 0u; g < args.groups; ++g) {
            if (chunks[g].z > best) { // chunks ascend: ties keep the lower id
                best = chunks[g].z;
                best_id = floatBitsToUint(chunks[g].w);
            }
        }
        pick(best_id);
        return;
    }
    if (t == 0u) {
        top = partials[args.groups].x;
        cut = partials[args.groups].z;
        float total = 0.0;
        for (uint g = 0u; g < args.groups; ++g) total += chunks[g].y;
        target = draw.random * total;
        // The first chunk whose weight takes the mass past the target, or after rounding, the
        // last chunk with any weight (and the mass before it).
        float mass = 0.0, before_drawn = 0.0;
        uint drawn = 0u;
        for (uint g = 0u; g < args.groups; ++g) {
            float chunk_mass = chunks[g].y;
            if (!(chunk_mass > 0.0)) continue;
            drawn = g;
            before_drawn = mass;
            if (mass + chunk_mass > target) break;
            mass += chunk_mass;
        }
        chunk_drawn = drawn;
        mass_before = before_drawn;
    }
    barrier();
    // Each invocation sums its contiguous part of the drawn chunk.
    uint begin = chunk_drawn * args.chunk;
    uint end = min(begin + args.chunk, args.vocab);
    uint part = (args.chunk + sample_group_size - 1u) / sample_group_size;
    uint first = min(begin + t * part, end), last = min(first + part, end);
    float share = 0.0;
    for (uint id = first; id < last; ++id) share += kept_weight(id, logits[id]);
    share_of[t] = share;
    barrier();
    if (t != 0u) return;
    // The part the draw falls in: the first whose weight takes the mass past the target, or
    // after rounding, the last part with any weight.
    float mass = mass_before, before_chosen = mass_before;
    uint chosen = sample_group_size;
    for (uint i = 0u; i < sample_group_size; ++i) {
        if (!(share_of[i] > 0.0)) continue;
        chosen = i;
        before_chosen = mass;
        if (mass + share_of[i] > target) break;
        mass += share_of[i];
    }
    uint id_picked = floatBitsToUint(partials[chunk_drawn].w); // if no weight is left at all
    uint from = min(begin + chosen * part, end), to = min(from + part, end);
    mass = before_chosen;
    for (uint id = from; id < to; ++id) {
        float w = kept_weight(id, logits[id]);
        if (!(w > 0.0)) continue;
        id_picked = id;
        mass += w;
        if (mass > target) break;
    }
    pick(id_picked);
}
