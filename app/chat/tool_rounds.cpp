#include "tool_rounds.h"

#include "tool_calls.h"

namespace hearth::app {
namespace {

// The assistant message a round writes: its text per channel, and the call it ends with.
class RoundMessage {
  public:
    explicit RoundMessage(harmony::Message start) : message_(std::move(start)) {}

    void on_event(const harmony::ParserEvent& event) {
        if (const auto* started = std::get_if<harmony::MessageStarted>(&event)) {
            in_call_ = !started->header.recipient.empty();
        } else if (const auto* delta = std::get_if<harmony::TextDelta>(&event)) {
            // A call's text is its arguments, kept with the call.
            if (in_call_) return;
            (delta->channel == harmony::Channel::analysis ? message_.thinking : message_.content) +=
                delta->text;
        } else if (const auto* call = std::get_if<harmony::ToolCallCompleted>(&event)) {
            message_.tool_call =
                store::tool_call_to(call->recipient, call->arguments, call->content_type);
        } else if (std::holds_alternative<harmony::MessageEnded>(event)) {
            in_call_ = false;
        }
    }

    harmony::Message call_message() const { return with_tool_call(message_, *message_.tool_call); }
    bool called() const { return message_.tool_call.has_value(); }

  private:
    harmony::Message message_;
    bool in_call_ = false;
};

} // namespace

harmony::Message with_tool_call(harmony::Message message, harmony::ToolCall call) {
    if (message.thinking.empty()) message.thinking = std::move(message.content);
    message.content.clear();
    message.tool_call = std::move(call);
    return message;
}

std::string unavailable_tool_result(const harmony::ToolCall& call) {
    return "Error: the tool " + harmony::tool_recipient(call) +
           " is not available. No tools are available in this chat; answer without them.";
}

Result<GenerationStats> generate_reply(harmony::Conversation conversation, const GenerateStep& step,
                                       const EventHandler& on_event,
                                       const ToolAnswered& on_tool_answered, int max_rounds) {
    GenerationStats total;
    for (int round = 0;; ++round) {
        harmony::Message start{
            .role = harmony::Role::assistant, .content = {}, .thinking = {}, .tool_call = {}};
        if (conversation.continue_last_message) start = conversation.messages.back();
        RoundMessage message(std::move(start));
        auto stats = step(conversation, [&](const harmony::ParserEvent& event) {
            message.on_event(event);
            on_event(event);
        });
        if (!stats) return stats;
        if (round == 0) total.time_to_first_token_seconds = stats->time_to_first_token_seconds;
        total.prompt_tokens = stats->prompt_tokens;
        total.reused_prompt_tokens = stats->reused_prompt_tokens;
        total.generated_tokens += stats->generated_tokens;
        total.generation_seconds += stats->generation_seconds;
        total.end_reason = stats->end_reason;
        if (stats->end_reason != harmony::EndReason::call || !message.called() ||
            round == max_rounds) {
            return total;
        }
        const harmony::Message call = message.call_message();
        const harmony::Message result{.role = harmony::Role::tool,
                                      .content = unavailable_tool_result(*call.tool_call),
                                      .thinking = {},
                                      .tool_call = {}};
        if (conversation.continue_last_message) conversation.messages.pop_back();
        conversation.continue_last_message = false;
        conversation.messages.push_back(call);
        conversation.messages.push_back(result);
        on_tool_answered(call, result, *stats);
    }
}

} // namespace hearth::app
