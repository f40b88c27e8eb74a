#include <utility>

#include "hearth/harmony_parser.h"
#include "message_header.h"
#include "tokenizer/utf8.h"

namespace hearth::harmony {
namespace {

// Real headers are short single lines; past this, or at a line break, the model has skipped
// the header and is writing text.
constexpr std::size_t longest_header_bytes = 256;

} // namespace

Result<HarmonyStreamParser> HarmonyStreamParser::create(const Tokenizer& tokenizer) {
    const auto id = [&](std::string_view name) { return tokenizer.special_token_id(name); };
    const auto start = id("<|start|>"), end = id("<|end|>"), message = id("<|message|>"),
               channel = id("<|channel|>"), constrain = id("<|constrain|>"),
               return_token = id("<|return|>"), call = id("<|call|>"),
               end_of_text = id("<|endoftext|>");
    if (!start || !end || !message || !channel || !constrain || !return_token || !call ||
        !end_of_text) {
        return fail("The tokenizer does not know the Harmony format.",
                    "a Harmony special token is missing from the vocabulary");
    }
    return HarmonyStreamParser(tokenizer, {*start, *end, *message, *channel, *constrain,
                                           *return_token, *call, *end_of_text});
}

Result<HarmonyStreamParser> HarmonyStreamParser::create_continuing(const Tokenizer& tokenizer,
                                                                   Channel channel) {
    auto parser = create(tokenizer);
    if (!parser) return parser;
    parser->header_.role = "assistant";
    parser->header_.channel = channel;
    parser->header_.channel_name = channel == Channel::analysis ? "analysis" : "final";
    parser->state_ = State::content;
    return parser;
}

HarmonyStreamParser::HarmonyStreamParser(Tokenizer tokenizer, SpecialIds ids)
    : tokenizer_(std::move(tokenizer)), ids_(ids) {}

std::vector<ParserEvent> HarmonyStreamParser::push(TokenId id) {
    std::vector<ParserEvent> events;
    switch (state_) {
    case State::ended: break;
    case State::between_messages: on_between_token(id, events); break;
    case State::header: on_header_token(id, events); break;
    case State::content: on_content_token(id, events); break;
    }
    return events;
}

std::vector<ParserEvent> HarmonyStreamParser::finish(EndReason reason) {
    std::vector<ParserEvent> events;
    if (state_ == State::ended) return events;
    close_open_message(events);
    end_generation(reason, events);
    return events;
}

void HarmonyStreamParser::on_between_token(TokenId id, std::vector<ParserEvent>& events) {
    if (id == ids_.start) {
        begin_header("");
    } else if (id == ids_.return_token) {
        end_generation(EndReason::return_token, events);
    } else if (id == ids_.call) {
        end_generation(EndReason::call, events);
    } else if (id == ids_.end_of_text) {
        end_generation(EndReason::end_of_text, events);
    } else if (id != ids_.end) {
        // Anything else before <|start|> begins an assistant message that lacks one.
        begin_header("assistant");
        on_header_token(id, events);
    }
}

void HarmonyStreamParser::begin_header(std::string role) {
    state_ = State::header;
    header_role_ = std::move(role);
    header_text_.clear();
}

void HarmonyStreamParser::on_header_token(TokenId id, std::vector<ParserEvent>& events) {
    if (id == ids_.message) {
        open_message(parse_message_header(header_text_, header_role_), events);
    } else if (id == ids_.channel) {
        header_text_ += channel_marker;
    } else if (id == ids_.constrain) {
        header_text_ += constrain_marker;
    } else if (id == ids_.end || id == ids_.return_token || id == ids_.call ||
               id == ids_.end_of_text || id == ids_.start) {
        // A stop token inside the header: what was written is the message.
        close_header_without_message_token(events);
        if (state_ == State::content) {
            on_content_token(id, events);
        } else {
            on_between_token(id, events);
        }
    } else if (const auto bytes = tokenizer_.token_bytes(id); bytes && !tokenizer_.is_special(id)) {
        header_text_ += *bytes;
        if (header_text_.size() > longest_header_bytes ||
            header_text_.find('\n') != std::string::npos) {
            close_header_without_message_token(events);
        }
    }
}

void HarmonyStreamParser::close_header_without_message_token(std::vector<ParserEvent>& events) {
    RecoveredHeader recovered = recover_message_header(header_text_, header_role_);
    header_text_.clear();
    if (recovered.content.empty() && recovered.header.channel_name.empty()) {
        // Nothing was written: no message to report.
        state_ = State::between_messages;
        return;
    }
    open_message(std::move(recovered.header), events);
    add_content(recovered.content, events);
}

void HarmonyStreamParser::on_content_token(TokenId id, std::vector<ParserEvent>& events) {
    const auto stop_message = [&](MessageTerminator terminator) {
        if (state_ == State::content) close_message(terminator, events);
        state_ = State::between_messages;
    };
    if (id == ids_.end) {
        stop_message(MessageTerminator::end);
    } else if (id == ids_.call) {
        stop_message(MessageTerminator::call);
        end_generation(EndReason::call, events);
    } else if (id == ids_.return_token) {
        stop_message(MessageTerminator::return_token);
        end_generation(EndReason::return_token, events);
    } else if (id == ids_.end_of_text) {
        stop_message(MessageTerminator::none);
        end_generation(EndReason::end_of_text, events);
    } else if (id == ids_.start) {
        stop_message(MessageTerminator::none);
        begin_header("");
    } else if (id == ids_.channel) {
        // A new header without <|end|><|start|>: the same author goes on in another channel.
        std::string role = header_.role;
        stop_message(MessageTerminator::none);
        begin_header(std::move(role));
        header_text_ = channel_marker;
    } else if (const auto bytes = tokenizer_.token_bytes(id); bytes && !tokenizer_.is_special(id)) {
        add_content(*bytes, events);
    }
}

void HarmonyStreamParser::open_message(MessageHeader header, std::vector<ParserEvent>& events) {
    header_ = std::move(header);
    pending_utf8_.clear();
    arguments_.clear();
    state_ = State::content;
    events.push_back(MessageStarted{header_});
}

void HarmonyStreamParser::add_content(std::string_view bytes, std::vector<ParserEvent>& events) {
    pending_utf8_ += bytes;
    std::string text = tokenizer::take_complete_utf8(pending_utf8_);
    if (text.empty()) return;
    if (!header_.recipient.empty()) arguments_ += text;
    events.push_back(TextDelta{header_.channel, std::move(text)});
}

void HarmonyStreamParser::close_message(MessageTerminator terminator,
                                        std::vector<ParserEvent>& events, bool cut_short) {
    // A message cut short inside a character (a stop, the token limit) ends before it, so that
    // an answer continued later writes the character whole, not a U+FFFD and orphaned bytes.
    if (cut_short) pending_utf8_.clear();
    if (std::string rest = tokenizer::take_remaining_utf8(pending_utf8_); !rest.empty()) {
        if (!header_.recipient.empty()) arguments_ += rest;
        events.push_back(TextDelta{header_.channel, std::move(rest)});
    }
    if (!header_.recipient.empty() && terminator != MessageTerminator::none) {
        events.push_back(ToolCallCompleted{header_.recipient, header_.channel, header_.content_type,
                                           std::move(arguments_)});
    }
    events.push_back(MessageEnded{header_, terminator});
    arguments_.clear();
    state_ = State::between_messages;
}

void HarmonyStreamParser::close_open_message(std::vector<ParserEvent>& events) {
    if (state_ == State::header && looks_like_header(header_text_)) {
        // Cut off inside a real header: report the message it was starting, without text.
        open_message(parse_message_header(header_text_, header_role_), events);
    } else if (state_ == State::header) {
        close_header_without_message_token(events);
    }
    if (state_ == State::content) close_message(MessageTerminator::none, events, true);
}

void HarmonyStreamParser::end_generation(EndReason reason, std::vector<ParserEvent>& events) {
    events.push_back(GenerationEnded{reason});
    state_ = State::ended;
}

} // namespace hearth::harmony
