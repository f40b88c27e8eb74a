// conversation_from_json: the JSON conversation format of docs/conversation-format.md, which is
// what the chat template consumes (OpenAI chat messages plus `thinking`).
#include "hearth/harmony.h"
#include "python_json.h"

namespace hearth::harmony {
namespace {

std::unexpected<Error> invalid(std::string detail) {
    return fail("The conversation file is not valid.", std::move(detail));
}

Result<std::string> optional_string(const OrderedJson& object, std::string_view key,
                                    const std::string& where) {
    const OrderedJson* value = member(object, key);
    if (value == nullptr || value->is_null()) return std::string();
    if (!value->is_string()) return invalid(where + "." + std::string(key) + " must be a string");
    return value->get<std::string>();
}

std::optional<Role> role_from_name(const OrderedJson* name) {
    if (name == nullptr || !name->is_string()) return std::nullopt;
    const auto& text = name->get_ref<const std::string&>();
    if (text == "system") return Role::system;
    if (text == "developer") return Role::developer;
    if (text == "user") return Role::user;
    if (text == "assistant") return Role::assistant;
    if (text == "tool") return Role::tool;
    return std::nullopt;
}

// JSON arguments keep their key order; a string is taken as JSON text already (OpenAI's form).
std::string arguments_text(const OrderedJson& arguments) {
    return arguments.is_string() ? arguments.get<std::string>() : arguments.dump();
}

Result<ToolCall> tool_call_from_json(const OrderedJson& calls, const std::string& where) {
    if (!calls.is_array() || calls.size() != 1) {
        return invalid(where + ".tool_calls must hold exactly one call");
    }
    const std::string call_where = where + ".tool_calls[0]";
    const OrderedJson* function = member(calls[0], "function");
    if (function == nullptr) function = &calls[0];
    const OrderedJson* name = member(*function, "name");
    if (name == nullptr || !name->is_string() || name->get_ref<const std::string&>().empty()) {
        return invalid(call_where + " needs a function name");
    }
    const OrderedJson* arguments = member(*function, "arguments");
    if (arguments == nullptr) return invalid(call_where + " needs arguments");
    ToolCall call{name->get<std::string>(), arguments_text(*arguments)};
    auto content_type = optional_string(*function, "content_type", call_where);
    if (!content_type) return std::unexpected(content_type.error());
    if (!content_type->empty()) call.content_type = std::move(*content_type);
    return call;
}

Result<Message> message_from_json(const OrderedJson& json, std::size_t index) {
    const std::string where = "messages[" + std::to_string(index) + "]";
    const auto role = role_from_name(member(json, "role"));
    if (!role) {
        return invalid(where + ".role must be system, developer, user, assistant or tool");
    }
    Message message;
    message.role = *role;
    const OrderedJson* calls = member(json, "tool_calls");
    if (calls != nullptr && !calls->is_null()) {
        if (*role != Role::assistant)
            return invalid(where + " has tool_calls but is not assistant");
        auto call = tool_call_from_json(*calls, where);
        if (!call) return std::unexpected(call.error());
        message.tool_call = std::move(*call);
    }
    const OrderedJson* content = member(json, "content");
    const bool content_may_be_empty = message.tool_call.has_value();
    if (!content_may_be_empty && (content == nullptr || !content->is_string())) {
        return invalid(where + ".content must be a string");
    }
    auto content_text = optional_string(json, "content", where);
    auto thinking = optional_string(json, "thinking", where);
    if (!content_text) return std::unexpected(content_text.error());
    if (!thinking) return std::unexpected(thinking.error());
    message.content = std::move(*content_text);
    message.thinking = std::move(*thinking);
    return message;
}

Result<FunctionTool> tool_from_json(const OrderedJson& json, std::size_t index) {
    const std::string where = "tools[" + std::to_string(index) + "].function";
    const OrderedJson* function = member(json, "function");
    if (function == nullptr || !function->is_object()) return invalid(where + " is missing");
    const OrderedJson* name = member(*function, "name");
    if (name == nullptr || !name->is_string() || name->get_ref<const std::string&>().empty()) {
        return invalid(where + ".name must be a non-empty string");
    }
    auto description = optional_string(*function, "description", where);
    if (!description) return std::unexpected(description.error());
    const OrderedJson* parameters = member(*function, "parameters");
    return FunctionTool{name->get<std::string>(), std::move(*description),
                        parameters == nullptr ? std::string() : parameters->dump()};
}

Result<OrderedJson> parse_document(std::string_view json_text) {
    try {
        return OrderedJson::parse(json_text);
    } catch (const nlohmann::json::parse_error& error) {
        return invalid(error.what());
    }
}

} // namespace

Result<Conversation> conversation_from_json(std::string_view json_text) {
    const auto document = parse_document(json_text);
    if (!document) return std::unexpected(document.error());
    const OrderedJson* messages = member(*document, "messages");
    if (messages == nullptr || !messages->is_array()) return invalid("messages must be a list");

    Conversation conversation;
    for (std::size_t i = 0; i < messages->size(); ++i) {
        auto message = message_from_json((*messages)[i], i);
        if (!message) return std::unexpected(message.error());
        conversation.messages.push_back(std::move(*message));
    }
    if (const OrderedJson* tools = member(*document, "tools"); tools && !tools->is_null()) {
        if (!tools->is_array()) return invalid("tools must be a list");
        for (std::size_t i = 0; i < tools->size(); ++i) {
            auto tool = tool_from_json((*tools)[i], i);
            if (!tool) return std::unexpected(tool.error());
            conversation.tools.push_back(std::move(*tool));
        }
    }
    auto effort = optional_string(*document, "reasoning_effort", "conversation");
    if (!effort) return std::unexpected(effort.error());
    if (!effort->empty()) {
        const auto parsed = reasoning_effort_from_name(*effort);
        if (!parsed) return invalid("reasoning_effort must be low, medium or high");
        conversation.reasoning_effort = *parsed;
    }
    auto identity = optional_string(*document, "model_identity", "conversation");
    if (!identity) return std::unexpected(identity.error());
    if (!identity->empty()) conversation.model_identity = std::move(*identity);
    return conversation;
}

} // namespace hearth::harmony
