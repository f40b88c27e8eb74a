// Conversation -> prompt, following the chat template statement by statement (see harmony.h).
#include <algorithm>
#include <span>

#include "function_tools.h"
#include "hearth/harmony.h"
#include "python_json.h"

namespace hearth::harmony {
namespace {

// A prompt is special tokens and ordinary text in turn; ids come from encoding them separately.
struct PromptPart {
    bool is_special;
    std::string text;
};

class PromptParts {
  public:
    void special(std::string_view name) { parts_.push_back({true, std::string(name)}); }
    void text(std::string_view text) {
        if (text.empty()) return;
        if (!parts_.empty() && !parts_.back().is_special) {
            parts_.back().text += text;
        } else {
            parts_.push_back({false, std::string(text)});
        }
    }
    // <|start|>{author}[<|channel|>{channel}]<|message|>{content}{terminator}, where the author
    // part may name a recipient (" to=...") and the channel part a content type.
    // `constrain` is the content type of a tool call ("json"), written after <|constrain|>.
    // Without a terminator the message stays open: the model writes the rest of it.
    void message(std::string_view author, std::string_view channel, std::string_view content,
                 std::string_view terminator, std::string_view constrain = {}) {
        special("<|start|>");
        text(author);
        if (!channel.empty()) {
            special("<|channel|>");
            text(channel);
        }
        if (!constrain.empty()) {
            text(" ");
            special("<|constrain|>");
            text(constrain);
        }
        special("<|message|>");
        text(content);
        if (!terminator.empty()) special(terminator);
    }
    std::vector<PromptPart> take() { return std::move(parts_); }

  private:
    std::vector<PromptPart> parts_;
};

std::string_view effort_name(ReasoningEffort effort) {
    switch (effort) {
    case ReasoningEffort::low: return "low";
    case ReasoningEffort::medium: return "medium";
    case ReasoningEffort::high: return "high";
    }
    return "medium";
}

std::string system_message(const Conversation& conversation) {
    std::string text = conversation.model_identity + "\nKnowledge cutoff: 2024-06\n";
    if (conversation.current_date) text += "Current date: " + *conversation.current_date + "\n";
    text += "\nReasoning: ";
    text += effort_name(conversation.reasoning_effort);
    text += "\n\n# Valid channels: analysis, commentary, final. Channel must be included for every "
            "message.";
    if (!conversation.tools.empty()) {
        text += "\nCalls to these tools must go to the commentary channel: 'functions'.";
    }
    return text;
}

Result<void> render_developer_message(const std::string& instructions,
                                      std::span<const FunctionTool> tools, PromptParts& parts) {
    if (instructions.empty() && tools.empty()) return {};
    // As OpenAI's Harmony renderer writes it (spec section 8.7): no blank line after the
    // instructions unless tools follow.
    std::string text;
    if (!instructions.empty()) text = "# Instructions\n\n" + instructions;
    if (!tools.empty()) {
        auto functions = render_function_namespace(tools);
        if (!functions) return std::unexpected(functions.error());
        if (!text.empty()) text += "\n\n";
        text += "# Tools\n\n" + *functions;
    }
    parts.message("developer", "", text, "<|end|>");
    return {};
}

// Arguments print as the template's `arguments|tojson` prints an object. Text that is not JSON
// is kept as it is rather than quoted into a JSON string.
std::string rendered_arguments(const std::string& arguments) {
    const OrderedJson parsed = OrderedJson::parse(arguments, nullptr, false);
    return parsed.is_discarded() ? arguments : python_json(parsed);
}

std::string tool_channel(const ToolCall& call) { return call.built_in ? "analysis" : "commentary"; }

bool contains_channel_markup(const std::string& text) {
    return text.find("<|channel|>analysis<|message|>") != std::string::npos ||
           text.find("<|channel|>final<|message|>") != std::string::npos;
}

std::unexpected<Error> invalid(std::string detail) {
    return fail("The conversation cannot be rendered.", std::move(detail));
}

Result<std::vector<PromptPart>> render_parts(const Conversation& conversation) {
    PromptParts parts;
    parts.message("system", "", system_message(conversation), "<|end|>");

    std::span<const Message> messages = conversation.messages;
    std::string instructions;
    if (!messages.empty() &&
        (messages[0].role == Role::system || messages[0].role == Role::developer)) {
        instructions = messages[0].content;
        messages = messages.subspan(1);
    }
    if (auto developer = render_developer_message(instructions, conversation.tools, parts);
        !developer) {
        return std::unexpected(developer.error());
    }

    std::optional<Message> continued;
    if (conversation.continue_last_message) {
        if (messages.empty() || messages.back().role != Role::assistant ||
            messages.back().tool_call) {
            return invalid("only an assistant answer without a tool call can be continued");
        }
        continued = messages.back();
        messages = messages.subspan(0, messages.size() - 1);
    }

    std::optional<ToolCall> last_tool_call;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const Message& message = messages[i];
        switch (message.role) {
        case Role::system:
        case Role::developer: break;
        case Role::user: parts.message("user", "", message.content, "<|end|>"); break;
        case Role::tool:
            if (!last_tool_call) {
                return invalid("a tool message has no assistant tool call before it");
            }
            parts.message(tool_recipient(*last_tool_call) + " to=assistant",
                          tool_channel(*last_tool_call), python_json(OrderedJson(message.content)),
                          "<|end|>");
            break;
        case Role::assistant: {
            if (!conversation.answers_are_model_output &&
                (contains_channel_markup(message.content) ||
                 contains_channel_markup(message.thinking))) {
                return invalid("an assistant message contains <|channel|> markup; pass the "
                               "reasoning as thinking and the answer as content");
            }
            if (!message.tool_call) {
                parts.message("assistant", "final", message.content, "<|end|>");
                last_tool_call.reset();
                break;
            }
            if (!message.content.empty() && !message.thinking.empty()) {
                return invalid("an assistant tool call has both content and thinking");
            }
            const bool answered_later =
                std::any_of(messages.begin() + static_cast<std::ptrdiff_t>(i) + 1, messages.end(),
                            [](const Message& later) {
                                return later.role == Role::assistant && !later.tool_call;
                            });
            const std::string& reasoning =
                message.content.empty() ? message.thinking : message.content;
            if (!reasoning.empty() && !answered_later) {
                parts.message("assistant", "analysis", reasoning, "<|end|>");
            }
            const ToolCall& call = *message.tool_call;
            // "<|constrain|>json" as the Harmony renderer and the model's training write it; the
            // chat template's plain " json" is the one deliberate difference (spec 8.7). A
            // built-in tool's other content types ("code") stand as a plain word.
            const bool constrained = !call.built_in || call.content_type == "json";
            std::string channel = tool_channel(call);
            if (!constrained && !call.content_type.empty()) channel += " " + call.content_type;
            parts.message("assistant to=" + tool_recipient(call), channel,
                          rendered_arguments(call.arguments), "<|call|>",
                          constrained ? call.content_type : std::string());
            last_tool_call = call;
            break;
        }
        }
    }
    if (continued) {
        // The reasoning of the answer being continued belongs to the turn still running.
        const bool reasoning_only = continued->content.empty();
        if (!reasoning_only && !continued->thinking.empty()) {
            parts.message("assistant", "analysis", continued->thinking, "<|end|>");
        }
        parts.message("assistant", reasoning_only ? "analysis" : "final",
                      reasoning_only ? continued->thinking : continued->content, {});
        return parts.take();
    }
    parts.special("<|start|>");
    parts.text("assistant");
    return parts.take();
}

} // namespace

Result<std::string> render_prompt_text(const Conversation& conversation) {
    auto parts = render_parts(conversation);
    if (!parts) return std::unexpected(parts.error());
    std::string text;
    for (const PromptPart& part : *parts)
        text += part.text;
    return text;
}

Result<RenderedPrompt> render_prompt(const Conversation& conversation, const Tokenizer& tokenizer) {
    auto parts = render_parts(conversation);
    if (!parts) return std::unexpected(parts.error());
    RenderedPrompt prompt;
    for (const PromptPart& part : *parts) {
        prompt.text += part.text;
        if (!part.is_special) {
            const auto ids = tokenizer.encode_ordinary(part.text);
            prompt.ids.insert(prompt.ids.end(), ids.begin(), ids.end());
        } else if (const auto id = tokenizer.special_token_id(part.text)) {
            prompt.ids.push_back(*id);
        } else {
            return fail("The tokenizer does not know the Harmony format.",
                        "no special token " + part.text);
        }
    }
    return prompt;
}

std::string tool_recipient(const ToolCall& call) {
    return call.built_in ? call.name : "functions." + call.name;
}

bool continued_answer_is_reasoning(const Conversation& conversation) {
    return conversation.continue_last_message && !conversation.messages.empty() &&
           conversation.messages.back().content.empty();
}

std::optional<ReasoningEffort> reasoning_effort_from_name(std::string_view name) {
    if (name == "low") return ReasoningEffort::low;
    if (name == "medium") return ReasoningEffort::medium;
    if (name == "high") return ReasoningEffort::high;
    return std::nullopt;
}

} // namespace hearth::harmony
