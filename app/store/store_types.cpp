#include "store_types.h"

#include <array>
#include <chrono>
#include <utility>

namespace hearth::store {
namespace {

template <typename E, std::size_t N>
std::optional<E> find_name(const std::array<std::pair<E, std::string_view>, N>& names,
                           std::string_view name) {
    for (const auto& [value, text] : names) {
        if (text == name) return value;
    }
    return std::nullopt;
}

template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
    for (const auto& [v, text] : names) {
        if (v == value) return text;
    }
    return {};
}

using harmony::ReasoningEffort;
using harmony::Role;

constexpr std::array<std::pair<Role, std::string_view>, 5> role_names{{
    {Role::system, "system"},
    {Role::developer, "developer"},
    {Role::user, "user"},
    {Role::assistant, "assistant"},
    {Role::tool, "tool"},
}};

constexpr std::array<std::pair<ReasoningEffort, std::string_view>, 3> effort_names{{
    {ReasoningEffort::low, "low"},
    {ReasoningEffort::medium, "medium"},
    {ReasoningEffort::high, "high"},
}};

constexpr std::array<std::pair<MessageStatus, std::string_view>, 6> status_names{{
    {MessageStatus::streaming, "streaming"},
    {MessageStatus::complete, "complete"},
    {MessageStatus::length, "length"},
    {MessageStatus::cancelled, "cancelled"},
    {MessageStatus::failed, "failed"},
    {MessageStatus::interrupted, "interrupted"},
}};

} // namespace

std::string_view role_name(Role role) { return name_of(role_names, role); }
std::optional<Role> role_from_name(std::string_view name) { return find_name(role_names, name); }

std::string_view effort_name(ReasoningEffort effort) { return name_of(effort_names, effort); }
std::optional<ReasoningEffort> effort_from_name(std::string_view name) {
    return find_name(effort_names, name);
}

std::string_view status_name(MessageStatus status) { return name_of(status_names, status); }
std::optional<MessageStatus> status_from_name(std::string_view name) {
    return find_name(status_names, name);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace hearth::store
