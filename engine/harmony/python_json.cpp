#include "python_json.h"

namespace hearth::harmony {
namespace {

std::string dump_scalar(const OrderedJson& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string python_json(const OrderedJson& value) {
    if (value.is_array()) {
        std::string out = "[";
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i > 0) out += ", ";
            out += python_json(value[i]);
        }
        return out + "]";
    }
    if (value.is_object()) {
        std::string out = "{";
        bool first = true;
        for (const auto& [key, item] : value.items()) {
            if (!first) out += ", ";
            first = false;
            out += dump_scalar(OrderedJson(key)) + ": " + python_json(item);
        }
        return out + "}";
    }
    return dump_scalar(value);
}

std::string python_str(const OrderedJson& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
    if (value.is_null()) return "None";
    return python_json(value);
}

bool python_truthy(const OrderedJson* value) {
    if (value == nullptr || value->is_null()) return false;
    if (value->is_boolean()) return value->get<bool>();
    if (value->is_number()) return value->get<double>() != 0.0;
    if (value->is_string()) return !value->get_ref<const std::string&>().empty();
    return !value->empty();
}

const OrderedJson* member(const OrderedJson& value, std::string_view key) {
    if (!value.is_object()) return nullptr;
    const auto found = value.find(key);
    return found == value.end() ? nullptr : &*found;
}

} // namespace hearth::harmony
