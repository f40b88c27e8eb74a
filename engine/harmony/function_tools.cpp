// Mirrors the chat template's render_typescript_type and render_tool_namespace macros, quirks
// included: whitespace the template leaves in nested object types and oneOf unions, enum
// defaults printed without quotes, and a oneOf with object variants still rendered variant by
// variant (the template's `set` inside a loop never reaches the outer variable in Jinja2).
#include "function_tools.h"

#include <algorithm>

#include "python_json.h"
#include "tokenizer/utf8.h"

namespace hearth::harmony {
namespace {

// Indentation the template's source lines leave in its output.
constexpr std::string_view nested_property_indent = "\n                ";
constexpr std::string_view variant_default_indent = "                    ";

bool is_string_equal(const OrderedJson* value, std::string_view expected) {
    return value != nullptr && value->is_string() &&
           value->get_ref<const std::string&>() == expected;
}

// Python's len() of a str: code points, not bytes.
std::size_t code_point_count(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t offset = 0; offset < text.size(); ++count) {
        offset += tokenizer::decode_utf8(text, offset).length;
    }
    return count;
}

bool is_required(const OrderedJson& schema, const std::string& name) {
    const OrderedJson* required = member(schema, "required");
    return required != nullptr && required->is_array() &&
           std::ranges::any_of(*required, [&](const OrderedJson& r) { return r == name; });
}

std::string join_python_str(const OrderedJson& values, std::string_view separator) {
    if (!values.is_array()) return python_str(values);
    std::string out;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) out += separator;
        out += python_str(values[i]);
    }
    return out;
}

std::string typescript_type(const OrderedJson& schema);

std::string array_type(const OrderedJson& schema) {
    const OrderedJson* items = member(schema, "items");
    std::string type;
    if (!python_truthy(items)) {
        type = "any[]";
    } else if (const OrderedJson* item_type = member(*items, "type");
               is_string_equal(item_type, "string")) {
        type = "string[]";
    } else if (is_string_equal(item_type, "number") || is_string_equal(item_type, "integer")) {
        type = "number[]";
    } else if (is_string_equal(item_type, "boolean")) {
        type = "boolean[]";
    } else {
        const std::string inner = typescript_type(*items);
        type = inner == "object | object" || code_point_count(inner) > 50 ? "any[]" : inner + "[]";
    }
    if (python_truthy(member(schema, "nullable"))) type += " | null";
    return type;
}

std::string one_of_type(const OrderedJson& variants) {
    if (!variants.is_array()) return "any";
    std::string out;
    for (std::size_t i = 0; i < variants.size(); ++i) {
        const OrderedJson& variant = variants[i];
        out += typescript_type(variant);
        if (const OrderedJson* description = member(variant, "description");
            python_truthy(description)) {
            out += "// " + python_str(*description);
        }
        if (const OrderedJson* fallback = member(variant, "default")) {
            out += std::string(variant_default_indent) + "// default: " + python_json(*fallback);
        }
        if (i + 1 < variants.size()) out += " | \n";
    }
    return out;
}

std::string object_type(const OrderedJson& schema) {
    const OrderedJson* properties = member(schema, "properties");
    if (!python_truthy(properties) || !properties->is_object()) return "object";
    std::string out = "{\n";
    bool first = true;
    for (const auto& [name, property] : properties->items()) {
        if (!first) out += ", ";
        first = false;
        out += name + (is_required(schema, name) ? "" : "?") + ": ";
        out += std::string(nested_property_indent) + typescript_type(property);
    }
    return out + "}";
}

std::string typescript_type(const OrderedJson& schema) {
    const OrderedJson* type = member(schema, "type");
    if (is_string_equal(type, "array")) return array_type(schema);
    if (type != nullptr && type->is_array() && !type->empty()) {
        return type->size() > 1 ? join_python_str(*type, " | ") : python_str((*type)[0]);
    }
    if (const OrderedJson* variants = member(schema, "oneOf"); python_truthy(variants)) {
        return one_of_type(*variants);
    }
    if (is_string_equal(type, "string")) {
        if (const OrderedJson* values = member(schema, "enum"); python_truthy(values)) {
            return "\"" + join_python_str(*values, "\" | \"") + "\"";
        }
        return python_truthy(member(schema, "nullable")) ? "string | null" : "string";
    }
    if (is_string_equal(type, "number") || is_string_equal(type, "integer")) return "number";
    if (is_string_equal(type, "boolean")) return "boolean";
    if (is_string_equal(type, "object")) return object_type(schema);
    return "any";
}

std::string parameter_line(const std::string& name, const OrderedJson& property,
                           const OrderedJson& parameters) {
    std::string line;
    if (const OrderedJson* description = member(property, "description");
        python_truthy(description)) {
        line += "// " + python_str(*description) + "\n";
    }
    line += name + (is_required(parameters, name) ? "" : "?") + ": " + typescript_type(property);
    if (const OrderedJson* fallback = member(property, "default")) {
        if (python_truthy(member(property, "enum"))) {
            line += ", // default: " + python_str(*fallback);
        } else if (python_truthy(member(property, "oneOf"))) {
            line += "// default: " + python_str(*fallback);
        } else {
            line += ", // default: " + python_json(*fallback);
        }
    }
    return line + ",\n";
}

Result<std::string> function_signature(const FunctionTool& tool) {
    OrderedJson parameters;
    if (!tool.parameters.empty()) {
        parameters = OrderedJson::parse(tool.parameters, nullptr, false);
        if (parameters.is_discarded()) {
            return fail("A tool definition is not valid.",
                        "the parameters of " + tool.name + " are not JSON");
        }
    }
    const OrderedJson* properties = member(parameters, "properties");
    if (!python_truthy(properties) || !properties->is_object())
        return std::string("() => any;\n\n");
    std::string signature = "(_: {\n";
    for (const auto& [name, property] : properties->items()) {
        signature += parameter_line(name, property, parameters);
    }
    return signature + "}) => any;\n\n";
}

} // namespace

Result<std::string> render_function_namespace(std::span<const FunctionTool> tools) {
    std::string out = "## functions\n\nnamespace functions {\n\n";
    for (const FunctionTool& tool : tools) {
        // The template has no line for a tool without a description (it fails on one).
        if (!tool.description.empty()) out += "// " + tool.description + "\n";
        auto signature = function_signature(tool);
        if (!signature) return std::unexpected(signature.error());
        out += "type " + tool.name + " = " + *signature;
    }
    return out + "} // namespace functions";
}

} // namespace hearth::harmony
