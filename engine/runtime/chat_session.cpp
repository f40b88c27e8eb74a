#include "hearth/chat_session.h"

#include <algorithm>
#include <chrono>
#include <limits>

#include "hearth/token_picker.h"

namespace hearth {
namespace {

using Clock = std::chrono::steady_clock;

// Prefill runs in pieces this long so a cancel request is seen within one piece.
constexpr std::size_t prefill_piece = 256;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

Result<ChatSession> ChatSession::create(std::shared_ptr<Model> model,
                                        std::uint32_t context_tokens) {
    auto sequence = model->new_sequence(context_tokens);
    if (!sequence) return std::unexpected(sequence.error());
    return ChatSession(std::move(model), std::move(*sequence));
}

ChatSession::ChatSession(std::shared_ptr<Model> model, std::unique_ptr<Sequence> sequence)
    : model_(std::move(model)), sequence_(std::move(sequence)),
      never_sample_(model_->vocab_size(), false) {
    const auto& tokenizer = model_->tokenizer();
    for (std::uint32_t id = 0; id < never_sample_.size(); ++id) {
        never_sample_[id] = !tokenizer.token_bytes(static_cast<TokenId>(id)).has_value();
    }
}

std::uint32_t ChatSession::reuse_prefix(const std::vector<TokenId>& ids) {
    std::size_t shared = 0;
    while (shared < history_.size() && shared < ids.size() && history_[shared] == ids[shared]) {
        ++shared;
    }
    // At least the last prompt token runs again: its logits start the answer.
    shared = std::min(shared, ids.size() - 1);
    const std::uint32_t kept = sequence_->truncate(static_cast<std::uint32_t>(shared));
    history_.resize(kept);
    return kept;
}

Result<GenerationStats> ChatSession::generate(const harmony::Conversation& conversation,
                                              const GenerationOptions& options,
                                              const EventHandler& on_event,
                                              const std::atomic<bool>* cancel) {
    const auto start = Clock::now();
    auto prompt = harmony::render_prompt(conversation, model_->tokenizer());
    if (!prompt) return std::unexpected(prompt.error());
    auto parser =
        conversation.continue_last_message
            ? harmony::HarmonyStreamParser::create_continuing(
                  model_->tokenizer(), harmony::continued_answer_is_reasoning(conversation)
                                           ? harmony::Channel::analysis
                                           : harmony::Channel::final)
            : harmony::HarmonyStreamParser::create(model_->tokenizer());
    if (!parser) return std::unexpected(parser.error());
    const std::vector<TokenId>& ids = prompt->ids;
    if (ids.size() >= sequence_->capacity()) {
        return fail("The conversation is too long for the context (" + std::to_string(ids.size()) +
                    " of " + std::to_string(sequence_->capacity()) + " tokens)");
    }
    auto cancelled = [&] { return cancel && cancel->load(std::memory_order_relaxed); };
    GenerationStats stats;
    auto dispatch = [&](const std::vector<harmony::ParserEvent>& events) {
        for (const auto& event : events) {
            if (const auto* ended = std::get_if<harmony::GenerationEnded>(&event)) {
                stats.end_reason = ended->reason;
            }
            on_event(event);
        }
    };

    stats.prompt_tokens = static_cast<std::uint32_t>(ids.size());
    stats.reused_prompt_tokens = reuse_prefix(ids);
    TokenPicker picker(*sequence_, model_->vocab_size(), options.sampling, never_sample_);
    const auto stopped_by_cancel = [&] {
        const bool stop = cancelled();
        if (stop) dispatch(parser->finish(harmony::EndReason::cancelled));
        return stop;
    };
    // The prompt but its last token, in pieces.
    for (std::size_t at = history_.size(); at + 1 < ids.size(); at += prefill_piece) {
        if (stopped_by_cancel()) return stats;
        const auto piece = std::span(ids).subspan(at, std::min(prefill_piece, ids.size() - 1 - at));
        if (auto ran = sequence_->append(piece, {}); !ran) return std::unexpected(ran.error());
        history_.insert(history_.end(), piece.begin(), piece.end());
    }
    if (stopped_by_cancel()) return stats;
    // The next turn rewinds to here, or just past (a regenerated answer reruns the last prompt
    // token; a follow-up re-renders this answer without its reasoning), over the whole answer:
    // more than the sliding layers' rings may hold. Without the point, that turn runs its
    // whole prompt again: a failure here costs time, not the answer.
    (void)sequence_->save_rewind_point();
    auto first = picker.run(std::span(ids).last(1));
    if (!first) return std::unexpected(first.error());
    TokenId next = *first; // the token after the prompt, then after each token generated
    history_.push_back(ids.back());

    const auto generation_start = Clock::now();
    const std::uint32_t room = sequence_->capacity() - static_cast<std::uint32_t>(history_.size());
    const std::uint32_t limit = std::min(options.max_tokens, room);
    while (true) {
        if (cancelled()) {
            dispatch(parser->finish(harmony::EndReason::cancelled));
            break;
        }
        if (stats.generated_tokens == limit) {
            dispatch(parser->finish(harmony::EndReason::length));
            break;
        }
        const TokenId token = next;
        if (stats.generated_tokens++ == 0) stats.time_to_first_token_seconds = seconds_since(start);
        dispatch(parser->push(token));
        // A stop token is not run: the next turn renders this message with its own terminator.
        if (parser->ended()) break;
        auto picked = picker.run(std::span(&token, 1));
        if (!picked) return std::unexpected(picked.error());
        next = *picked;
        history_.push_back(token);
    }
    stats.generation_seconds = seconds_since(generation_start);
    return stats;
}

} // namespace hearth
