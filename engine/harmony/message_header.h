// The header of a Harmony message: the text between <|start|> and <|message|>, e.g.
// "assistant to=functions.get_weather<|channel|>commentary <|constrain|>json". The stream parser
// collects it with the <|channel|> and <|constrain|> tokens spelled out.
#pragma once

#include <string>
#include <string_view>

#include "hearth/harmony_parser.h"

namespace hearth::harmony {

inline constexpr std::string_view channel_marker = "<|channel|>";
inline constexpr std::string_view constrain_marker = "<|constrain|>";

Channel channel_from_name(std::string_view name);

// A complete header. `known_role` is the role when the header does not start with one (model
// output after "<|start|>assistant"); empty when it does. The recipient may come before or after
// the channel; a content type may follow <|constrain|> or stand as a plain word.
MessageHeader parse_message_header(std::string_view text, std::string_view known_role);

// Whether unfinished header text has header structure (a channel, a content type or a recipient)
// rather than being message text the model wrote without a header.
bool looks_like_header(std::string_view text);

struct RecoveredHeader {
    MessageHeader header;
    std::string content;
};

// A header that never reached <|message|> (the model skipped it): the role and channel it clearly
// names, and the rest as message text so that nothing the model wrote is lost.
RecoveredHeader recover_message_header(std::string_view text, std::string_view known_role);

} // namespace hearth::harmony
