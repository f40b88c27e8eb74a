// What every GPU backend's kernel tests check, independent of how the kernels are launched: the
// random inputs, the weights repacked as the device holds them, and the expected results from
// the CPU backend's operations and the exact weight decoder (gtest expectations inside). The
// Vulkan tests (vulkan/vulkan_kernels_test.cpp) and the CUDA tests (cuda/cuda_kernels_test.cpp)
// run the kernels and hand what came back to these.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "backend/weight_packing.h"
#include "kernel_args.h"
#include "model/model_config.h"
#include "random_weights.h"

namespace hearth::test {

// Written into outputs beforehand: a kernel that writes past its rows is caught.
inline constexpr float poison = -12345.0f;
// What one token's attention finds in the partial results of the splits it leaves idle: another
// layer's, whose maxima may be above any of its own scores, so a merge that read them would be
// wrong (poison's maxima would weigh nothing).
inline constexpr float stale_partial = 12345.0f;
// The SwiGLU limit of the expert checks.
inline constexpr float test_swiglu_limit = 7.0f;

std::vector<float> normal_values(std::size_t n, std::mt19937& rng, float scale = 1.0f);

// A random stored weight, repacked for the device as whole stack entries in order.
struct PackedWeight {
    RandomWeight stored;
    gpu::PackedMatrix packed;
};
void make_packed_weight(PackedWeight& out, StoredLayout layout, std::uint64_t stack,
                        std::uint64_t rows, std::uint64_t cols, std::mt19937& rng);

// Row `row` of stack entry `stack` . x, in double, with the sum of |terms| for a tolerance.
std::pair<double, double> exact_dot(const model::WeightRef& w, std::uint64_t stack,
                                    std::uint64_t row, const float* x);

// matvec project (or project_add onto `start`): result[t * rows + j] for t < tokens, then the
// poisoned word past the last row.
void expect_projected(const PackedWeight& w, const std::vector<float>& bias,
                      const std::vector<float>& x, const std::vector<float>& start,
                      const std::vector<float>& result, std::uint32_t tokens, bool add);

// An expert's input row: which expert, and the x it reads.
struct ExpertEntry {
    std::uint64_t expert;
    const float* x;
};

// gate/up: act[i * size + j] = swiglu(gate, up) of entries[i] (per expert `size` gate rows, then
// `size` up rows), then a poisoned word.
void expect_swiglu_rows(const PackedWeight& gate_up, const std::vector<float>& bias,
                        std::uint64_t size, const std::vector<ExpertEntry>& entries,
                        const std::vector<float>& act);

// grouped down: result[i * rows + j] = down row j of entries[i]'s expert . its x + bias, then a
// poisoned word.
void expect_down_rows(const PackedWeight& down, const std::vector<float>& bias,
                      const std::vector<ExpertEntry>& entries, const std::vector<float>& result);

// one-token down, added: result[j] = start[j] + sum over the entries of weights[i] * (down row j
// of entries[i]'s expert . its x + bias), then a poisoned word.
void expect_down_added(const PackedWeight& down, const std::vector<float>& bias,
                       const std::vector<ExpertEntry>& entries, const std::vector<float>& weights,
                       const std::vector<float>& start, const std::vector<float>& result);

// The one-token expert matvecs' inputs: three experts, of which the token chose 2 and 0 (in that
// order) with weights 0.7 and 0.3, or with more `slots` also 1, 2, 0, ... in turn with random
// weights; gate/up of `size` rows per half (default_size unless given) over `cols` columns, and
// down of `rows` rows over `down_cols` (not a multiple of the warp where the format allows).
struct OneTokenExperts {
    static constexpr std::uint64_t default_size = 37, default_rows = 67;
    std::uint64_t experts = 3, size = default_size, rows = default_rows, cols = 0, down_cols = 0;
    std::uint32_t slots = 2;
    std::vector<std::uint32_t> route; // route_experts' row for the token
    PackedWeight gate_up, down;
    std::vector<float> x, gate_up_bias;          // gate/up's input and biases
    std::vector<float> inputs, down_bias, start; // down's input row per slot, biases, y beforehand

    OneTokenExperts(StoredLayout layout, std::uint64_t cols, std::mt19937& rng,
                    std::uint32_t slots = 2, std::uint64_t gate_up_size = default_size);
    kernel_args::MatVecArgs args_for(std::uint64_t in, std::uint64_t out) const; // cols, rows
    kernel_args::MatVecArgs gate_up_args() const;
    kernel_args::MatVecArgs down_args() const;
    void expect_gate_up(const std::vector<float>& act) const; // act: slots * size + 1, poisoned
    void expect_down(const std::vector<float>& y) const;
};

// A batch: per expert, the entries (token * slots + slot) that chose it, as group_experts lists
// them: counts first, then `capacity` entries per expert.
struct BatchRoutes {
    std::uint32_t experts = 3, slots = 2, tokens = 4;
    // Per token, its experts in slot order, and their weights.
    std::vector<std::uint32_t> chosen = {2, 0, 1, 2, 2, 1, 0, 1};
    std::vector<float> weights = {0.7f, 0.3f, 0.6f, 0.4f, 0.9f, 0.1f, 0.5f, 0.5f};

    std::vector<std::uint32_t> groups() const;
    // groups() followed by Vulkan's work list (kernel_args.h) for `tokens_per_group`.
    std::vector<std::uint32_t> groups_with_work(std::uint32_t tokens_per_group) const;
    // The most work items the list can hold for `tokens_per_group`.
    std::uint32_t work_capacity(std::uint32_t tokens_per_group) const;
    // A grouped expert product over this batch (Vulkan's matmul, CUDA's grouped matvec).
    kernel_args::MatVecArgs matvec_args(std::uint64_t cols, std::uint64_t rows) const;
    // Per token: its expert ids, then its weights (f32 bits): route_experts' rows.
    std::vector<std::uint32_t> route_rows() const;
    // `tokens` tokens over four experts: each chooses expert 2 and one of 0 and 1 at random, in a
    // random slot order, so expert 2's list is longer than a work item when tokens exceed the
    // item's entries (and its second item lies past other experts' items), and expert 3 has none.
    static BatchRoutes crowded(std::uint32_t tokens, std::mt19937& rng);
    // Each entry's expert and its row of `x` (`cols` floats per token, or per entry).
    std::vector<ExpertEntry> entries(const std::vector<float>& x, std::uint64_t cols,
                                     bool per_entry) const;
};

// The grouped expert products' inputs over a BatchRoutes batch: gate/up of each token's row of h,
// down of each entry's own row (sizes as OneTokenExperts, unless given).
struct GroupedExperts {
    BatchRoutes batch;
    std::uint64_t size = 0, rows = 0, cols = 0, down_cols = 0;
    PackedWeight gate_up, down;
    std::vector<float> h, gate_up_bias, inputs, down_bias;

    GroupedExperts(StoredLayout layout, std::uint64_t cols, std::mt19937& rng);
    GroupedExperts(StoredLayout layout, std::uint64_t cols, std::mt19937& rng, BatchRoutes routes,
                   std::uint64_t gate_up_size, std::uint64_t down_rows);
    std::uint32_t entries() const { return batch.tokens * batch.slots; }
    void expect_gate_up(const std::vector<float>& act) const; // act: entries * size + 1
    void expect_down(const std::vector<float>& out) const;    // out: entries * rows + 1
};

// The batches a grouped matmul (matmul.comp, matmul.cuh) is tested on: the small batch, then a
// crowded one (expert 2 with more entries than a tile, expert 3 with none), with more gate/up
// and down rows than a tile.
std::deque<GroupedExperts> matmul_grouped_batches(StoredLayout layout, std::uint64_t cols,
                                                  std::mt19937& rng);

void expect_groups_listed(const BatchRoutes& batch, const std::vector<std::uint32_t>& listed);

// x[token] += its weighted down rows for the first `counted` tokens, then a poisoned word.
void expect_experts_combined(const BatchRoutes& batch, const std::vector<float>& down,
                             const std::vector<float>& start, std::uint32_t counted,
                             std::uint32_t cols, const std::vector<float>& result);

// Two tokens' router logits over `experts` with planted values: a tie (the lower index goes
// first), the last expert chosen for the first token, expert 5 first for the second.
std::vector<float> planted_router_logits(std::uint32_t experts, std::mt19937& rng);

// Two tokens' route rows against cpu::route over `experts` logits each, then a poisoned word.
void expect_routes(const std::vector<float>& logits, std::uint32_t experts,
                   const std::vector<float>& result);

// One token's router over `w` (a row per expert) and x: the bias puts the last expert's logit 1
// above all others, so a chooser must read every logit.
void plant_last_expert_first(const PackedWeight& w, const std::vector<float>& x,
                             std::vector<float>& bias);

// One token's route row (the experts, then their weights as f32 bits, then a poisoned word)
// against cpu::route over the `experts` logits the router wrote, whose first choice is the last.
void expect_route_of_logits(const std::vector<float>& logits, std::uint32_t experts,
                            std::uint32_t chosen, const std::vector<float>& route_words);

// rms_norm of `rows` rows of n values, then a poisoned word.
void expect_rms_normed(const std::vector<float>& x, const std::vector<float>& gain,
                       std::uint32_t rows, std::uint32_t n, const std::vector<float>& result);

// x as the int8 products read it (quantize_q8): per 32-value block, codes (four to a word, the
// first lowest) and a scale.
struct Int8Rows {
    std::vector<std::uint32_t> codes;
    std::vector<float> scales;
    std::vector<float> values; // code * scale

    // Random codes over the whole range with random scales, as `count` values.
    static Int8Rows random(std::size_t count, std::mt19937& rng);
    int code(std::size_t i) const; // from the words
};

// A quantize check's input: `rows` rows of n values (a multiple of 32), the second row's first
// block all zero.
std::vector<float> quantize_input(std::uint32_t rows, std::uint32_t n, std::mt19937& rng);

// What a quantize kernel made of `quantized` (`got`, each with a poisoned word after it): every
// value within half a step of its code times its block's scale, each block's scale its largest
// magnitude / 127 and that magnitude at code +-127, an all-zero block all zero. With
// `relative_error`, the kernel quantized values that may differ from `quantized` by that share of
// their block's largest magnitude (its own norm of them, say).
void expect_quantized_q8(const std::vector<float>& quantized, const Int8Rows& got,
                         float relative_error = 0.0f);

// Heads of the attention checks: six query heads over two KV heads of 16, YaRN as in gpt-oss.
model::ModelConfig attention_config();

// How the kernels lay out a KV cache (kernel_args.h).
enum class CacheLayout : std::uint32_t {
    f32 = kernel_args::kv_cache_f32,
    f16 = kernel_args::kv_cache_f16,
    q8 = kernel_args::kv_cache_q8,
};
std::string layout_name(CacheLayout layout);

// Rows of `head_dim` values as a cache of `layout` holds them: f32 bits, f16 pairs (rounded to
// nearest), or per row int8 codes (to nearest, ties to even) of value * 127 / the row's largest
// magnitude, then that magnitude / 127.
std::vector<std::uint32_t> cache_words(const std::vector<float>& values, CacheLayout layout,
                                       std::uint32_t head_dim);
// The values a cache's words stand for, in the same order.
std::vector<float> cache_values(const std::vector<std::uint32_t>& words, CacheLayout layout,
                                std::uint32_t head_dim);

// rope_kv_write's inputs: two tokens at positions 13 and 14 (ring slots 3 and 4 of 5) on a grid
// of three tokens: the third (position 15, slot 0) is past the step's count and must write
// nothing. qkv: per token the queries, the keys, the values, as the fused projection writes them.
struct RopeInputs {
    model::ModelConfig config = attention_config();
    std::uint32_t capacity = 5, first_position = 13, tokens = 2, grid_tokens = 3, positions = 20;
    CacheLayout layout = CacheLayout::f32;
    std::vector<float> qkv;
    std::vector<std::uint32_t> poisoned; // both caches' words beforehand

    RopeInputs(CacheLayout cache_layout, std::mt19937& rng,
               std::uint32_t head_dim = attention_config().head_dim);
    // The queries rotated in place, the rotated keys and the values in their slots, nothing else
    // touched.
    void expect_written(const std::vector<float>& rotated,
                        const std::vector<std::uint32_t>& key_words,
                        const std::vector<std::uint32_t>& value_words) const;
};

// An attention run: the window (0: none), the first token's position, the splits per head.
struct AttentionCase {
    std::uint32_t window, position, splits;
};
// The cases every backend runs: a full layer in one or several splits per head (with positions
// for only some of five splits at position 70, and for one at position 2: Vulkan's decode leaves
// the rest idle), and sliding windows over a ring that has wrapped (position 190 > capacity 150).
std::vector<AttentionCase> attention_cases();

// The batch (prefill) attention runs: 41 tokens, so workgroups of 64 (token, head) rows start
// and end inside a token; from position 0, over a full layer, and sliding windows of 7 and 128
// over a wrapped ring.
inline constexpr std::uint32_t prefill_attention_tokens = 41;
std::vector<AttentionCase> prefill_attention_cases();

// Attention's inputs: `tokens` tokens' rows of the fused projection (the queries first), sinks,
// and a random cache of `capacity` positions; the CPU reads what the cache really holds (rounded
// to f16, or to 8 bits).
struct AttentionInputs {
    model::ModelConfig config = attention_config();
    std::uint32_t capacity, tokens;
    float scale = 0.25f;
    CacheLayout layout;
    std::vector<float> qkv, sinks;
    std::vector<std::uint32_t> key_words, value_words;
    std::vector<float> keys, values;

    AttentionInputs(CacheLayout cache_layout, std::mt19937& rng, std::uint32_t token_count = 2,
                    std::uint32_t cache_capacity = 150,
                    std::uint32_t head_dim = attention_config().head_dim,
                    std::uint32_t head_count = attention_config().head_count);
    kernel_args::AttentionArgs args(const AttentionCase& run) const;
    // The tokens at run.position, +1, ... against the CPU backend's attention, then a poisoned
    // word.
    void expect_attended(const AttentionCase& run, const std::vector<float>& result) const;
    // One token's attention that rotates its queries and key itself and writes its key and value
    // into the cache first (qkv holds them unrotated): that slot of the caches holds them (to
    // the layout's rounding), every other slot is as it was, and the result matches the CPU's
    // attention over the caches as written.
    void expect_decoded(const AttentionCase& run, const std::vector<float>& result,
                        const std::vector<std::uint32_t>& key_words_after,
                        const std::vector<std::uint32_t>& value_words_after) const;
};

// One token's attention runs for kernels that write the token's key and value themselves: the
// shared cases over a cache of 150 positions, and one over 1100 that takes the most splits (32);
// each with a token's inputs and the positions its RoPE table needs.
struct StepAttentionRuns {
    AttentionInputs inputs;
    std::vector<AttentionCase> cases;
    std::uint32_t positions; // one past the furthest case's
};
std::vector<StepAttentionRuns>
step_attention_runs(CacheLayout layout, std::mt19937& rng,
                    std::uint32_t head_dim = attention_config().head_dim,
                    std::uint32_t head_count = attention_config().head_count);

// A sampling run (the sampling kernels in turn) on crafted logits, and the id it must pick
// (gpu::nothing_to_draw when every id is excluded).
struct SamplingCase {
    std::string name;
    std::vector<float> logits;
    std::vector<std::uint32_t> excluded; // a bit per id
    float temperature = 0, random = 0;
    std::uint32_t expected = 0;
    float top_p = 1, min_p = 0;
};
// Greedy over a vocabulary that is no multiple of the chunks (an excluded best, NaN, -infinity,
// a tie across chunks); everything excluded; draws in id order over weights 1:2:3:4, and over
// what top-p (ties at the cut kept) and min-p keep of them.
std::vector<SamplingCase> sampling_cases();

} // namespace hearth::test
