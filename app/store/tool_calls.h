// The tool calls an assistant message made, as the store keeps them: a JSON array of
// {"type": "function", "function": {"name", "arguments", "content_type"?}} as in conversation
// files (docs/conversation-format.md), where a built-in tool's call has "type": "builtin" and its
// whole name ("browser.search").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hearth/harmony.h"

namespace hearth::store {

// The call the model addressed to `recipient` in its header: "functions.get_weather" is the
// function tool get_weather; any other recipient ("browser.search", "python") a built-in tool.
// harmony::tool_recipient gives the recipient back.
harmony::ToolCall tool_call_to(std::string_view recipient, std::string arguments,
                               std::string content_type);

// `tool_calls` ("" for none) with `call` added at the end. Text that is not a JSON array counts
// as none.
std::string with_tool_call(std::string_view tool_calls, const harmony::ToolCall& call);

// The first call in `tool_calls`; none for "" or text that is not such an array.
std::optional<harmony::ToolCall> first_tool_call(std::string_view tool_calls);

} // namespace hearth::store
