// A conversation with a model: render it in Harmony, reuse the KV cache for the part already
// seen, prefill the rest, then generate token by token and report Harmony events.
//
// Threading: one thread calls generate(); any thread may set the cancel flag, which is checked
// before every generated token (and between prefill chunks).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "hearth/harmony.h"
#include "hearth/harmony_parser.h"
#include "hearth/model.h"
#include "hearth/sampling.h"

namespace hearth {

struct GenerationOptions {
    SamplingSettings sampling;
    std::uint32_t max_tokens = 8192; // generated tokens, reasoning included
};

struct GenerationStats {
    std::uint32_t prompt_tokens = 0;
    std::uint32_t reused_prompt_tokens = 0; // found in the KV cache, not run again
    std::uint32_t generated_tokens = 0;
    double time_to_first_token_seconds = 0; // prefill + the first token
    double generation_seconds = 0;
    harmony::EndReason end_reason = harmony::EndReason::length;
};

using EventHandler = std::function<void(const harmony::ParserEvent&)>;

class ChatSession {
  public:
    // `context_tokens` bounds prompt + answer.
    static Result<ChatSession> create(std::shared_ptr<Model> model, std::uint32_t context_tokens);

    Result<GenerationStats> generate(const harmony::Conversation& conversation,
                                     const GenerationOptions& options, const EventHandler& on_event,
                                     const std::atomic<bool>* cancel = nullptr);

  private:
    ChatSession(std::shared_ptr<Model> model, std::unique_ptr<Sequence> sequence);
    // Keeps the cached prefix `ids` shares with what the sequence holds; returns its length.
    std::uint32_t reuse_prefix(const std::vector<TokenId>& ids);

    std::shared_ptr<Model> model_;
    std::unique_ptr<Sequence> sequence_;
    std::vector<TokenId> history_;   // the tokens whose keys and values the sequence holds
    std::vector<bool> never_sample_; // ids without a token (padding, unused)
};

} // namespace hearth
