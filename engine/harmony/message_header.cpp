#include "message_header.h"

#include <vector>

namespace hearth::harmony {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::vector<std::string_view> words_of(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t offset = 0;
    while (offset < text.size()) {
        while (offset < text.size() && is_space(text[offset]))
            ++offset;
        const std::size_t start = offset;
        while (offset < text.size() && !is_space(text[offset]))
            ++offset;
        if (offset > start) words.push_back(text.substr(start, offset - start));
    }
    return words;
}

std::string_view trim_leading_space(std::string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    return text;
}

// The header cut at its markers: the part before any marker, then each marker with its text.
struct HeaderPart {
    std::string_view marker; // empty for the leading part
    std::string_view text;
};

std::vector<HeaderPart> split_at_markers(std::string_view text) {
    std::vector<HeaderPart> parts{{{}, {}}};
    std::size_t part_start = 0;
    for (std::size_t offset = 0; offset < text.size();) {
        std::string_view marker;
        for (const std::string_view candidate : {channel_marker, constrain_marker}) {
            if (text.substr(offset).starts_with(candidate)) marker = candidate;
        }
        if (marker.empty()) {
            ++offset;
            continue;
        }
        parts.back().text = text.substr(part_start, offset - part_start);
        offset += marker.size();
        part_start = offset;
        parts.push_back({marker, {}});
    }
    parts.back().text = text.substr(part_start);
    return parts;
}

void take_other_word(std::string_view word, MessageHeader& header) {
    if (word.starts_with("to=")) {
        header.recipient = std::string(word.substr(3));
    } else if (header.content_type.empty()) {
        header.content_type = std::string(word);
    }
}

bool is_role_word(std::string_view word) {
    return word == "assistant" || word == "user" || word == "system" || word == "developer";
}

} // namespace

Channel channel_from_name(std::string_view name) {
    if (name == "analysis") return Channel::analysis;
    if (name == "commentary") return Channel::commentary;
    if (name == "final") return Channel::final;
    return Channel::unknown;
}

bool looks_like_header(std::string_view text) {
    return text.find(channel_marker) != std::string_view::npos ||
           text.find(constrain_marker) != std::string_view::npos ||
           trim_leading_space(text).starts_with("to=");
}

MessageHeader parse_message_header(std::string_view text, std::string_view known_role) {
    MessageHeader header;
    header.role = std::string(known_role);
    for (const HeaderPart& part : split_at_markers(text)) {
        auto words = words_of(part.text);
        std::size_t first_other = 0;
        if (part.marker.empty() && known_role.empty() && !words.empty()) {
            header.role = std::string(words[0]);
            first_other = 1;
        } else if (part.marker == channel_marker && !words.empty()) {
            header.channel_name = std::string(words[0]);
            first_other = 1;
        } else if (part.marker == constrain_marker && !words.empty()) {
            header.content_type = std::string(words[0]);
            first_other = 1;
        }
        for (std::size_t i = first_other; i < words.size(); ++i)
            take_other_word(words[i], header);
    }
    if (header.role.empty()) header.role = "assistant";
    header.channel = channel_from_name(header.channel_name);
    return header;
}

RecoveredHeader recover_message_header(std::string_view text, std::string_view known_role) {
    RecoveredHeader recovered;
    recovered.header.role = known_role.empty() ? "assistant" : std::string(known_role);
    std::string_view rest = text;
    if (known_role.empty()) {
        const auto words = words_of(rest.substr(0, rest.find(channel_marker)));
        if (!words.empty() && is_role_word(words[0]) && rest.starts_with(words[0])) {
            recovered.header.role = std::string(words[0]);
            rest.remove_prefix(words[0].size());
        }
    }
    rest = trim_leading_space(rest);
    if (rest.starts_with(channel_marker)) {
        rest.remove_prefix(channel_marker.size());
        const auto words = words_of(rest);
        if (!words.empty() && rest.starts_with(words[0])) {
            recovered.header.channel_name = std::string(words[0]);
            rest.remove_prefix(words[0].size());
        }
    }
    recovered.header.channel = channel_from_name(recovered.header.channel_name);
    recovered.content = std::string(trim_leading_space(rest));
    return recovered;
}

} // namespace hearth::harmony
