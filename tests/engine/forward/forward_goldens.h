// The forward-pass checks every backend must pass on the tiny fixture models: last-position
// logits against the independent float64 reference (tests/fixtures/reference/goldens.json),
// 64 greedy tokens, rewinding, and bad input. Each backend's test suite calls these.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "hearth/model.h"
#include "master_weights.h"
#include "model/model_files.h"

namespace hearth::test {

std::filesystem::path tiny_model_path(const std::string& name);
// The tiny fixture model files, by name ("tiny-gpt-oss.gguf", ...), opened and shared.
std::shared_ptr<const model::ModelFiles> tiny_model_files(const std::string& name);
// A tiny model of a shape the fixtures lack: `spec`'s, written as a GGUF file of separate experts,
// mapped and removed again.
std::shared_ptr<const model::ModelFiles> tiny_model_files(const TinyModelSpec& spec);
// The fixture names every backend is checked on.
std::vector<std::string> tiny_model_names();
// A fixture name usable as a gtest parameter name.
std::string parameter_name(const std::string& fixture);

// The backend `made` holds, or null after failing the test with why it could not be made.
std::unique_ptr<Backend> made_backend(Result<std::unique_ptr<Backend>> made);

std::vector<std::int32_t> golden_prompt_ids(const std::string& prompt);

// Runs `ids` on a fresh sequence of `backend` and returns the last position's logits.
std::vector<float> last_logits(Backend& backend, const std::vector<std::int32_t>& ids);

// How far every last-position logit of `backend` is from the CPU backend's on a golden prompt:
// the largest |difference| and the largest |CPU logit|; whether both chose the same top token.
struct LogitDistance {
    float worst = 0;
    float largest = 0;
    bool same_top = false;
};
LogitDistance distance_from_cpu(Backend& backend, const std::string& fixture,
                                const std::string& prompt);
// The same for `ids` on any model's files (those `backend` was made from).
LogitDistance distance_from_cpu(Backend& backend, std::shared_ptr<const model::ModelFiles> files,
                                const std::vector<std::int32_t>& ids);

void expect_logits_match_reference(Backend& backend);
// The golden prompt "long_130" three times over (390 tokens, so a GPU backend's prompt batches of
// 256 run two, the second reading the cache the first wrote) on `backend`, made from the tiny
// fixture `fixture`: every last-position logit within 1e-4 of the largest of the CPU backend's,
// and the same top token.
void expect_two_batch_prompt_matches_cpu(Backend& backend, const std::string& fixture);
// `backend`, made from the tiny fixture `fixture` with arithmetic of lower precision than the
// CPU's (`what`: an f16 cache, int8 x, ...): on a short and a long prompt, every logit within
// `bound` of the CPU's largest, and the same top token.
void expect_stays_near_the_cpu(Backend& backend, const std::string& fixture, const char* what,
                               float bound);
// The tiny model loaded on `backend` with an f32 and a q8 cache: the bytes a token reads at 100
// positions differ by the cache rows' sizes.
void expect_bytes_read_count_the_cache_as_kept(BackendChoice backend);
// A model whose heads of 18 values fill no whole words: `create` (its backend, made from the
// files with a q8 cache) refuses, saying why and what to choose instead.
void expect_q8_cache_refused_for_heads_of_no_whole_words(
    const std::function<Result<std::unique_ptr<Backend>>(std::shared_ptr<const model::ModelFiles>)>&
        create);
void expect_greedy_tokens_match_reference(Backend& backend);
void expect_truncate_and_append_reproduce_logits(Backend& backend);
// `profiled` has run `prompt`, then a profiled step of `token`; `plain`, of the same backend,
// nothing. Runs `prompt` and `token` on `plain`, then one more token on both: the same logits,
// so the profiled step left the cache as a plain step does.
void expect_profiled_step_left_the_cache_as_a_plain_one(Sequence& profiled, Sequence& plain,
                                                        const std::vector<std::int32_t>& prompt,
                                                        std::int32_t token,
                                                        std::uint32_t vocab_size);
// A sequence past its sliding layers' rings (the tiny fixture `fixture`'s window + the rewind
// slack, and 512 more), rewound by 512 and then below what the rings still hold: the second rewind
// gives up positions rather than read overwritten ones, so appending again gives a fresh
// sequence's logits.
void expect_a_second_rewind_respects_the_rings(Backend& backend, const std::string& fixture);
// A rewind point saved (40 positions past the window, or where its window wraps round a ring's
// end), then the rings moved on past it: a rewind beyond it comes back to it and runs on as a
// sequence that never moved on does, twice over, and a rewind below it (whose window only the
// point held) restarts from 0.
void expect_a_rewind_point_outlives_the_rings(Backend& backend, const std::string& fixture);
void expect_bad_tokens_and_overflow_are_errors(Backend& backend);

} // namespace hearth::test
