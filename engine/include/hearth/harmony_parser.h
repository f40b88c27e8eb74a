// Reading gpt-oss's output as it is generated: token ids in, Harmony events out.
//
// The model writes messages such as
//   <|channel|>analysis<|message|>...<|end|><|start|>assistant<|channel|>final<|message|>...<|return|>
// (the prompt already ended with "<|start|>assistant"). The parser reports where messages start
// and end, their text per channel as it arrives (always valid UTF-8), completed tool calls, and
// why generation ended. Malformed output is recovered, never dropped: text without a header, a
// stop token inside a header, a missing <|end|>, or text before <|start|> all still reach the
// caller as message text.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "hearth/error.h"
#include "hearth/tokenizer.h"

namespace hearth::harmony {

enum class Channel { analysis, commentary, final, unknown };

struct MessageHeader {
    std::string role;         // "assistant" for model output
    std::string recipient;    // "functions.get_weather" for a tool call; empty otherwise
    std::string channel_name; // as written; empty when the model wrote none
    Channel channel = Channel::unknown;
    std::string content_type; // "json" from "<|constrain|>json" or a plain " json"; may be empty
};

// How a message ended: by its own terminator, or cut short (none) by a new message or by the end
// of generation.
enum class MessageTerminator { end, call, return_token, none };

enum class EndReason {
    return_token, // <|return|>: the final answer is complete
    call,         // <|call|>: a tool call waits for its result
    end_of_text,  // <|endoftext|>
    end_token,    // the caller stopped at <|end|>
    length,       // the caller's token limit
    cancelled,    // the caller stopped
};

struct MessageStarted {
    MessageHeader header;
};
struct TextDelta {
    Channel channel;
    std::string text;
};
// A message addressed to a recipient ended with a terminator: its content is the arguments.
struct ToolCallCompleted {
    std::string recipient;
    Channel channel;
    std::string content_type;
    std::string arguments;
};
struct MessageEnded {
    MessageHeader header;
    MessageTerminator terminator;
};
struct GenerationEnded {
    EndReason reason;
};

using ParserEvent =
    std::variant<MessageStarted, TextDelta, ToolCallCompleted, MessageEnded, GenerationEnded>;

// One parser per generation; not thread-safe.
class HarmonyStreamParser {
  public:
    // For output that follows a prompt ending in "<|start|>assistant". Fails when the tokenizer
    // lacks Harmony's special tokens.
    static Result<HarmonyStreamParser> create(const Tokenizer& tokenizer);
    // For output that follows a prompt ending inside an assistant message on `channel`
    // (Conversation::continue_last_message): the first tokens are more of that message's text.
    // No MessageStarted is reported for it.
    static Result<HarmonyStreamParser> create_continuing(const Tokenizer& tokenizer,
                                                         Channel channel);

    // Events caused by one generated token. After GenerationEnded, tokens are ignored.
    std::vector<ParserEvent> push(TokenId id);

    // The caller stops generating (length, cancelled, end_token): flushes what is pending.
    // Does nothing after GenerationEnded.
    std::vector<ParserEvent> finish(EndReason reason);

    bool ended() const { return state_ == State::ended; }

  private:
    struct SpecialIds {
        TokenId start, end, message, channel, constrain, return_token, call, end_of_text;
    };
    enum class State { between_messages, header, content, ended };

    HarmonyStreamParser(Tokenizer tokenizer, SpecialIds ids);

    void on_between_token(TokenId id, std::vector<ParserEvent>& events);
    void on_header_token(TokenId id, std::vector<ParserEvent>& events);
    void on_content_token(TokenId id, std::vector<ParserEvent>& events);
    void begin_header(std::string role);
    void open_message(MessageHeader header, std::vector<ParserEvent>& events);
    void add_content(std::string_view bytes, std::vector<ParserEvent>& events);
    void close_header_without_message_token(std::vector<ParserEvent>& events);
    // cut_short: the generation stopped inside it (finish), not at a token of its own.
    void close_message(MessageTerminator terminator, std::vector<ParserEvent>& events,
                       bool cut_short = false);
    void end_generation(EndReason reason, std::vector<ParserEvent>& events);
    // Ends whatever is open: a header as recovered text, a message as cut short.
    void close_open_message(std::vector<ParserEvent>& events);

    Tokenizer tokenizer_;
    SpecialIds ids_;
    State state_ = State::header;
    std::string header_role_ = "assistant"; // empty: the header starts with the role
    std::string header_text_;               // raw header bytes, markers spelled out
    MessageHeader header_;
    std::string pending_utf8_;
    std::string arguments_;
};

} // namespace hearth::harmony
