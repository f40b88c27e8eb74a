// One reply, in rounds. Hearth offers the model no tools, yet gpt-oss sometimes calls one anyway
// (a function, or the built-in browser or python). Each such call is answered with a tool
// message saying the tool is not available, and the model goes on, so that the user still gets
// an answer. A model that keeps calling is stopped after `max_tool_rounds` calls in one reply.
#pragma once

#include <functional>
#include <string>

#include "hearth/chat_session.h"
#include "hearth/harmony.h"

namespace hearth::app {

inline constexpr int max_tool_rounds = 3;

// An assistant message that made `call`, as the renderer takes it: a call carries its reasoning
// as thinking, or the text it wrote on another channel when it has no reasoning.
harmony::Message with_tool_call(harmony::Message message, harmony::ToolCall call);

// What the model is told when it calls `call` (English: it is read by the model, not the user).
std::string unavailable_tool_result(const harmony::ToolCall& call);

// One generation on `conversation`, reporting parser events: ChatSession::generate.
using GenerateStep =
    std::function<Result<GenerationStats>(const harmony::Conversation&, const EventHandler&)>;
// A round ended with `call` (the assistant message that made it, thinking included) and
// `result` answers it; the next round starts when this returns. `stats` are the round's.
using ToolAnswered = std::function<void(
    const harmony::Message& call, const harmony::Message& result, const GenerationStats& stats)>;

// Generates the reply to `conversation` (or continues its last message, when it says so): a
// round, and while a round ends with a tool call and fewer than `max_rounds` calls were
// answered, the call and its "not available" result are added to the conversation and another
// round follows. The stats add up the rounds (generated tokens, generation time); the prompt and
// end reason are the last round's: EndReason::call when the model still called a tool after the
// last answered one.
Result<GenerationStats> generate_reply(harmony::Conversation conversation, const GenerateStep& step,
                                       const EventHandler& on_event,
                                       const ToolAnswered& on_tool_answered,
                                       int max_rounds = max_tool_rounds);

} // namespace hearth::app
