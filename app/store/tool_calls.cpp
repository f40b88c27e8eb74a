#include "tool_calls.h"

#include <nlohmann/json.hpp>

namespace hearth::store {

harmony::ToolCall tool_call_to(std::string_view recipient, std::string arguments,
                               std::string content_type) {
    constexpr std::string_view functions = "functions.";
    const bool function = recipient.starts_with(functions);
    if (function) recipient.remove_prefix(functions.size());
    return {.name = std::string(recipient),
            .arguments = std::move(arguments),
            .content_type = std::move(content_type),
            .built_in = !function};
}

std::string with_tool_call(std::string_view tool_calls, const harmony::ToolCall& call) {
    auto calls = nlohmann::json::parse(tool_calls, nullptr, false);
    if (!calls.is_array()) calls = nlohmann::json::array();
    nlohmann::json function = {{"name", call.name}, {"arguments", call.arguments}};
    if (!call.content_type.empty()) function["content_type"] = call.content_type;
    calls.push_back(
        {{"type", call.built_in ? "builtin" : "function"}, {"function", std::move(function)}});
    return calls.dump();
}

std::optional<harmony::ToolCall> first_tool_call(std::string_view tool_calls) {
    const auto calls = nlohmann::json::parse(tool_calls, nullptr, false);
    if (!calls.is_array() || calls.empty() || !calls[0].is_object()) return std::nullopt;
    const auto& call = calls[0];
    const auto& function = call.contains("function") ? call["function"] : call;
    if (!function.is_object() || !function.contains("name") || !function["name"].is_string())
        return std::nullopt;
    harmony::ToolCall result;
    result.name = function["name"].get<std::string>();
    const auto arguments = function.value("arguments", nlohmann::json());
    result.arguments = arguments.is_string() ? arguments.get<std::string>()
                       : arguments.is_null() ? std::string()
                                             : arguments.dump();
    result.content_type = function.value("content_type", std::string());
    result.built_in = call.value("type", std::string()) == "builtin";
    return result;
}

} // namespace hearth::store
