// The checks every GPU backend's sampling on the device must pass on the tiny fixture model: the
// token drawn there against the same draw made on the host from the logits of a twin sequence.
#pragma once

#include "backend/backend.h"

namespace hearth::test {

// Greedy draws equal the logits' argmax step after step.
void expect_greedy_draws_match_the_argmax(Backend& backend);
// Excluded ids (here the 50 best and the last) are never drawn, greedy or hot.
void expect_excluded_ids_never_drawn(Backend& backend);
// Temperature draws equal the host's draw in id order (or a kept id next to it where the draw
// lands within 1e-5 of the total from an edge, as float sums on the device may).
void expect_temperature_draws_match_the_host(Backend& backend);
// Top-p and min-p draws equal the host's draw in id order among the ids the host sampler keeps.
void expect_top_p_and_min_p_draws_match_the_host(Backend& backend);
// Only top-k above 1 leaves the draw to the host; it is refused untouched.
void expect_only_device_settings_run_there(Backend& backend);
// A sequence drawing with next_random (a step ahead, where the backend runs one) draws what one
// without it draws, token after token, to the last position its capacity holds.
void expect_steps_ahead_draw_what_single_steps_draw(Backend& backend);
// Every call that does not continue a step ahead (another token, another draw or settings, new
// exclusions, a plain append, a rewind) gives what it gives in a sequence that never stepped ahead.
void expect_steps_ahead_never_change_what_other_calls_give(Backend& backend);
// A decode loop that names each next draw as it then asks for it (as TokenPicker does) finds every
// step after the first already running, on a backend that steps ahead; one that then asks for
// another draw finds none.
void expect_a_decode_loop_finds_every_step_after_the_first_ahead(Backend& backend);

} // namespace hearth::test
