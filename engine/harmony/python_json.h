// JSON values printed the way the chat template's Python side prints them, so rendered prompts
// match it byte for byte.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace hearth::harmony {

using OrderedJson = nlohmann::ordered_json;

// json.dumps(value, ensure_ascii=False): ", " and ": " separators, keys in their given order,
// non-ASCII kept as is. Invalid UTF-8 in strings becomes U+FFFD.
std::string python_json(const OrderedJson& value);

// str(value) for the scalars templates join and concatenate: strings as they are, True/False,
// None, numbers. Containers print as JSON (Python would print its repr).
std::string python_str(const OrderedJson& value);

// Python truthiness of an optional value: absent, null, false, 0, "", [] and {} are false.
bool python_truthy(const OrderedJson* value);

// The member `key` of an object, or nothing (also when `value` is not an object).
const OrderedJson* member(const OrderedJson& value, std::string_view key);

} // namespace hearth::harmony
