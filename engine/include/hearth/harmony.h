// Harmony, gpt-oss's chat format: a conversation and its rendering into a prompt.
//
// The rendering matches the model's own chat template (tests/fixtures/tokenizer/
// gpt-oss-chat-template.jinja, rendered as Hugging Face transformers renders it) byte for byte,
// with add_generation_prompt: the prompt ends with "<|start|>assistant". See
// docs/conversation-format.md for the JSON form and the few deliberate differences.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/error.h"
#include "hearth/tokenizer.h"

namespace hearth::harmony {

enum class Role { system, developer, user, assistant, tool };

enum class ReasoningEffort { low, medium, high };

struct ToolCall {
    std::string name;      // without the "functions." namespace; a built-in tool's whole name
    std::string arguments; // JSON text
    std::string content_type = "json";
    // A built-in tool ("browser.search", "python") is addressed by its name alone and called on
    // the analysis channel; a function tool as "functions." + name on the commentary channel.
    // The tool's result comes back on the channel of its call.
    bool built_in = false;
};

struct Message {
    Role role = Role::user;
    std::string content;
    // Assistant chain of thought (the analysis channel). Rendered only for a tool call that no
    // later final answer follows; dropped everywhere else, as the model expects.
    std::string thinking;
    std::optional<ToolCall> tool_call; // assistant only; a tool message answers the latest one
};

struct FunctionTool {
    std::string name;
    std::string description; // may be empty
    std::string parameters;  // JSON schema text; empty for none
};

struct Conversation {
    // A first system or developer message becomes the developer instructions; later system and
    // developer messages are ignored, as the chat template does.
    std::vector<Message> messages;
    std::vector<FunctionTool> tools;
    ReasoningEffort reasoning_effort = ReasoningEffort::medium;
    std::string model_identity = "You are ChatGPT, a large language model trained by OpenAI.";
    // "YYYY-MM-DD"; without it the system message has no "Current date:" line.
    std::optional<std::string> current_date;
    // The last message is an assistant answer cut short (no tool call): the prompt ends inside
    // it, with no terminator, so that the model goes on writing it. Its text continues on the
    // final channel, or on the analysis channel while it has no content yet (see
    // continued_answer_is_reasoning).
    bool continue_last_message = false;
    // The assistant messages are what this app parsed from the model's own output, not text a
    // caller composed: where their text spells out channel markup ("<|channel|>final<|message|>",
    // which the model may well write, quoting a prompt), it renders as the ordinary text it was,
    // rather than being refused as the chat template refuses it.
    bool answers_are_model_output = false;
};

// The recipient a call is addressed to, as the model writes it: "functions.get_weather",
// "browser.search".
std::string tool_recipient(const ToolCall& call);

// Whether a continued last message is still in its reasoning (it has thinking but no content).
bool continued_answer_is_reasoning(const Conversation& conversation);

struct RenderedPrompt {
    std::string text;
    std::vector<TokenId> ids;
};

// The prompt text, with special tokens spelled out ("<|start|>"). Fails where the chat template
// would raise an exception (a tool result with no tool call before it, ...).
Result<std::string> render_prompt_text(const Conversation& conversation);

// The prompt as text and ids. Message text is encoded as ordinary text: "<|end|>" typed by a
// user stays text and never becomes the special token.
Result<RenderedPrompt> render_prompt(const Conversation& conversation, const Tokenizer& tokenizer);

// A conversation from its JSON form (docs/conversation-format.md): {"messages": [...],
// "tools": [...], "reasoning_effort": ..., "model_identity": ...}. current_date is left empty.
Result<Conversation> conversation_from_json(std::string_view json_text);

std::optional<ReasoningEffort> reasoning_effort_from_name(std::string_view name);

} // namespace hearth::harmony
