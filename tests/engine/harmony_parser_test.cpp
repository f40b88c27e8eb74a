// The streaming parser on well-formed and malformed model output. Streams are written as Harmony
// text and encoded with special tokens allowed; expected events are written out by hand as a
// transcript in which consecutive text deltas of one channel are joined.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>

#include "gpt_oss_tokenizer.h"
#include "hearth/harmony_parser.h"
#include "tokenizer/byte_level.h"
#include "tokenizer/utf8.h"

namespace {

using namespace hearth::harmony;
using hearth::TokenId;

std::string channel_label(Channel channel) {
    switch (channel) {
    case Channel::analysis: return "analysis";
    case Channel::commentary: return "commentary";
    case Channel::final: return "final";
    case Channel::unknown: return "unknown";
    }
    return "?";
}

std::string terminator_label(MessageTerminator terminator) {
    switch (terminator) {
    case MessageTerminator::end: return "end";
    case MessageTerminator::call: return "call";
    case MessageTerminator::return_token: return "return";
    case MessageTerminator::none: return "none";
    }
    return "?";
}

std::string reason_label(EndReason reason) {
    switch (reason) {
    case EndReason::return_token: return "return";
    case EndReason::call: return "call";
    case EndReason::end_of_text: return "end_of_text";
    case EndReason::end_token: return "end_token";
    case EndReason::length: return "length";
    case EndReason::cancelled: return "cancelled";
    }
    return "?";
}

bool is_valid_utf8(const std::string& text) {
    for (std::size_t offset = 0; offset < text.size();) {
        const auto decoded = hearth::tokenizer::decode_utf8(text, offset);
        if (decoded.status != hearth::tokenizer::Utf8Status::valid) return false;
        offset += decoded.length;
    }
    return true;
}

// One line per event; text deltas of the same channel in a row become one line.
class Transcript {
  public:
    void add(const std::vector<ParserEvent>& events) {
        for (const ParserEvent& event : events)
            add(event);
    }
    void add(const ParserEvent& event) {
        if (const auto* delta = std::get_if<TextDelta>(&event)) {
            EXPECT_TRUE(is_valid_utf8(delta->text)) << delta->text;
            const std::string prefix = "text " + channel_label(delta->channel) + ": ";
            if (!lines_.empty() && lines_.back().starts_with(prefix)) {
                lines_.back() += delta->text;
            } else {
                lines_.push_back(prefix + delta->text);
            }
        } else if (const auto* started = std::get_if<MessageStarted>(&event)) {
            const MessageHeader& h = started->header;
            lines_.push_back("start " + h.role + " " + channel_label(h.channel) + "(" +
                             h.channel_name + ") to=" + h.recipient + " type=" + h.content_type);
        } else if (const auto* call = std::get_if<ToolCallCompleted>(&event)) {
            lines_.push_back("call " + call->recipient + " " + channel_label(call->channel) + " " +
                             call->content_type + " " + call->arguments);
        } else if (const auto* ended = std::get_if<MessageEnded>(&event)) {
            lines_.push_back("end " + terminator_label(ended->terminator));
        } else if (const auto* done = std::get_if<GenerationEnded>(&event)) {
            lines_.push_back("done " + reason_label(done->reason));
        }
    }
    const std::vector<std::string>& lines() const { return lines_; }

  private:
    std::vector<std::string> lines_;
};

using Lines = std::vector<std::string>;

std::vector<TokenId> tokens(std::string_view harmony_text) {
    return hearth::test::gpt_oss_tokenizer().encode(harmony_text, hearth::AllowedSpecials::all());
}

HarmonyStreamParser new_parser() {
    auto parser = HarmonyStreamParser::create(hearth::test::gpt_oss_tokenizer());
    EXPECT_TRUE(parser.has_value());
    return *std::move(parser);
}

Lines parse(const std::vector<TokenId>& ids, std::optional<EndReason> finish = {}) {
    HarmonyStreamParser parser = new_parser();
    Transcript transcript;
    for (const TokenId id : ids)
        transcript.add(parser.push(id));
    if (finish) transcript.add(parser.finish(*finish));
    return transcript.lines();
}

Lines parse(std::string_view harmony_text, std::optional<EndReason> finish = {}) {
    return parse(tokens(harmony_text), finish);
}

TEST(HarmonyParser, ReadsTheSpecsReasoningThenFinalAnswer) {
    // docs/gpt-oss-model.md 10.4: the model's output for "What is 2 + 2?".
    const std::vector<TokenId> ids = {200005, 35644,  200008, 1844,  31064,  25, 200007,
                                      200006, 173781, 200005, 17196, 200008, 17, 659,
                                      220,    17,     314,    220,   19,     13, 200002};
    EXPECT_EQ(parse(ids),
              (Lines{"start assistant analysis(analysis) to= type=", "text analysis: User asks:",
                     "end end", "start assistant final(final) to= type=", "text final: 2 + 2 = 4.",
                     "end return", "done return"}));
}

TEST(HarmonyParser, ReportsAToolCallWithItsArguments) {
    EXPECT_EQ(parse("<|channel|>analysis<|message|>Need the weather.<|end|>"
                    "<|start|>assistant<|channel|>commentary to=functions.get_weather "
                    "<|constrain|>json<|message|>{\"location\":\"Tokyo\"}<|call|>"),
              (Lines{"start assistant analysis(analysis) to= type=",
                     "text analysis: Need the weather.", "end end",
                     "start assistant commentary(commentary) to=functions.get_weather type=json",
                     "text commentary: {\"location\":\"Tokyo\"}",
                     "call functions.get_weather commentary json {\"location\":\"Tokyo\"}",
                     "end call", "done call"}));
}

TEST(HarmonyParser, AcceptsTheRecipientBeforeTheChannel) {
    EXPECT_EQ(parse(" to=functions.f<|channel|>commentary json<|message|>{}<|call|>"),
              (Lines{"start assistant commentary(commentary) to=functions.f type=json",
                     "text commentary: {}", "call functions.f commentary json {}", "end call",
                     "done call"}));
}

TEST(HarmonyParser, AContinuedAnswerGoesOnInItsOwnChannelWithoutANewHeader) {
    auto parser =
        HarmonyStreamParser::create_continuing(hearth::test::gpt_oss_tokenizer(), Channel::final);
    ASSERT_TRUE(parser.has_value());
    Transcript transcript;
    for (const TokenId id : tokens("ld, and more.<|return|>"))
        transcript.add(parser->push(id));
    EXPECT_EQ(transcript.lines(),
              (Lines{"text final: ld, and more.", "end return", "done return"}));
}

TEST(HarmonyParser, ContinuedReasoningThenAnAnswerAreTwoChannels) {
    auto parser = HarmonyStreamParser::create_continuing(hearth::test::gpt_oss_tokenizer(),
                                                         Channel::analysis);
    ASSERT_TRUE(parser.has_value());
    Transcript transcript;
    for (const TokenId id :
         tokens(" more thought.<|end|><|start|>assistant<|channel|>final<|message|>Hi<|return|>"))
        transcript.add(parser->push(id));
    EXPECT_EQ(transcript.lines(), (Lines{"text analysis:  more thought.", "end end",
                                         "start assistant final(final) to= type=", "text final: Hi",
                                         "end return", "done return"}));
}

TEST(HarmonyParser, TextWithoutAHeaderIsStillText) {
    EXPECT_EQ(parse("Hello there!<|return|>"),
              (Lines{"start assistant unknown() to= type=", "text unknown: Hello there!",
                     "end return", "done return"}));
    EXPECT_EQ(parse("Line one\nline two<|end|>", EndReason::length),
              (Lines{"start assistant unknown() to= type=", "text unknown: Line one\nline two",
                     "end end", "done length"}));
}

TEST(HarmonyParser, KeepsTextOfAnUnknownChannel) {
    EXPECT_EQ(parse("<|channel|>thoughts<|message|>hmm<|end|>", EndReason::end_token),
              (Lines{"start assistant unknown(thoughts) to= type=", "text unknown: hmm", "end end",
                     "done end_token"}));
}

TEST(HarmonyParser, AStopTokenInsideTheHeaderEndsTheMessage) {
    EXPECT_EQ(parse("<|channel|>final 42<|return|>"),
              (Lines{"start assistant final(final) to= type=", "text final: 42", "end return",
                     "done return"}));
    EXPECT_EQ(parse("<|return|>"), (Lines{"done return"}));
}

TEST(HarmonyParser, ANewMessageCutsOffOneMissingItsEnd) {
    EXPECT_EQ(parse("<|channel|>analysis<|message|>think<|start|>assistant<|channel|>final"
                    "<|message|>Hi<|return|>"),
              (Lines{"start assistant analysis(analysis) to= type=", "text analysis: think",
                     "end none", "start assistant final(final) to= type=", "text final: Hi",
                     "end return", "done return"}));
    EXPECT_EQ(parse("<|channel|>analysis<|message|>think<|channel|>final<|message|>Hi<|return|>"),
              (Lines{"start assistant analysis(analysis) to= type=", "text analysis: think",
                     "end none", "start assistant final(final) to= type=", "text final: Hi",
                     "end return", "done return"}));
}

TEST(HarmonyParser, TextBeforeStartBecomesAMessage) {
    EXPECT_EQ(parse("<|channel|>analysis<|message|>a<|end|>oops<|start|>assistant<|channel|>final"
                    "<|message|>b<|return|>"),
              (Lines{"start assistant analysis(analysis) to= type=", "text analysis: a", "end end",
                     "start assistant unknown() to= type=", "text unknown: oops", "end none",
                     "start assistant final(final) to= type=", "text final: b", "end return",
                     "done return"}));
}

TEST(HarmonyParser, ReportsEveryEndReason) {
    EXPECT_EQ(parse("<|channel|>final<|message|>a<|return|>").back(), "done return");
    EXPECT_EQ(parse("<|channel|>commentary to=functions.f<|message|>{}<|call|>").back(),
              "done call");
    EXPECT_EQ(parse("<|channel|>final<|message|>a<|endoftext|>"),
              (Lines{"start assistant final(final) to= type=", "text final: a", "end none",
                     "done end_of_text"}));
    EXPECT_EQ(parse("<|channel|>final<|message|>a", EndReason::length).back(), "done length");
    EXPECT_EQ(parse("<|channel|>final<|message|>a", EndReason::cancelled),
              (Lines{"start assistant final(final) to= type=", "text final: a", "end none",
                     "done cancelled"}));
    EXPECT_EQ(parse("<|channel|>final<|message|>a<|end|>", EndReason::end_token).back(),
              "done end_token");
}

TEST(HarmonyParser, StoppingInsideAHeaderReportsTheMessageWithoutText) {
    EXPECT_EQ(parse("<|channel|>commentary to=functions.f", EndReason::length),
              (Lines{"start assistant commentary(commentary) to=functions.f type=", "end none",
                     "done length"}));
}

TEST(HarmonyParser, AToolCallCutShortIsNotReportedAsComplete) {
    EXPECT_EQ(parse("<|channel|>commentary to=functions.f<|message|>{\"a\":", EndReason::length),
              (Lines{"start assistant commentary(commentary) to=functions.f type=",
                     "text commentary: {\"a\":", "end none", "done length"}));
}

TEST(HarmonyParser, IgnoresTokensAfterGenerationEnded) {
    HarmonyStreamParser parser = new_parser();
    for (const TokenId id : tokens("<|channel|>final<|message|>a<|return|>"))
        parser.push(id);
    EXPECT_TRUE(parser.ended());
    EXPECT_TRUE(parser.push(tokens("more")[0]).empty());
    EXPECT_TRUE(parser.finish(EndReason::length).empty());
}

// A character split over byte tokens is never emitted in halves, whatever the cut.
TEST(HarmonyParser, TextDeltasAreValidUtf8WhenCharactersSpanTokens) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    std::vector<TokenId> ids = tokens("<|channel|>final<|message|>");
    for (const char byte : std::string("한😀")) {
        ids.push_back(tokenizer.encode_ordinary(std::string(1, byte))[0]);
    }
    ids.push_back(tokens("<|return|>")[0]);
    EXPECT_EQ(parse(ids), (Lines{"start assistant final(final) to= type=", "text final: 한😀",
                                 "end return", "done return"}));
}

// An invalid byte, and a character its message ends inside, each become U+FFFD.
TEST(HarmonyParser, InvalidBytesBecomeReplacementCharacters) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    std::vector<TokenId> ids = tokens("<|channel|>final<|message|>a");
    ids.push_back(tokenizer.encode_ordinary("\xff")[0]);
    ids.push_back(tokenizer.encode_ordinary("\xe4")[0]);
    ids.push_back(tokens("<|end|>")[0]);
    EXPECT_EQ(parse(ids, EndReason::length),
              (Lines{"start assistant final(final) to= type=", "text final: a\uFFFD\uFFFD",
                     "end end", "done length"}));
}

// A generation stopped inside a character leaves it out: an answer continued from the text
// writes it whole, rather than after a U+FFFD.
TEST(HarmonyParser, ACharacterTheGenerationStopsInsideIsLeftOut) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    std::vector<TokenId> ids = tokens("<|channel|>final<|message|>a");
    ids.push_back(tokenizer.encode_ordinary("\xf0")[0]); // the first two bytes of 😀
    ids.push_back(tokenizer.encode_ordinary("\x9f")[0]);
    EXPECT_EQ(parse(ids, EndReason::length), (Lines{"start assistant final(final) to= type=",
                                                     "text final: a", "end none", "done length"}));
}

// Stopping after any number of tokens flushes cleanly, and the text so far is a prefix of the
// whole text.
TEST(HarmonyParser, StoppingAtEveryPositionKeepsTheTextSoFar) {
    const auto ids = tokens("<|channel|>analysis<|message|>Weather: 東京 ☀️<|end|><|start|>"
                            "assistant<|channel|>commentary to=functions.w <|constrain|>json"
                            "<|message|>{\"c\":\"東京\"}<|call|>");
    const Lines full = parse(ids);
    for (std::size_t cut = 0; cut <= ids.size(); ++cut) {
        const std::vector<TokenId> prefix(ids.begin(), ids.begin() + static_cast<long>(cut));
        const Lines lines = parse(prefix, EndReason::cancelled);
        ASSERT_FALSE(lines.empty());
        EXPECT_TRUE(lines.back().starts_with("done ")) << cut;
        for (std::size_t i = 0; i + 1 < lines.size(); ++i) {
            if (lines[i].starts_with("text ")) {
                const std::string_view text = lines[i];
                EXPECT_NE(
                    std::ranges::find_if(
                        full, [&](const std::string& whole) { return whole.starts_with(text); }),
                    full.end())
                    << "cut " << cut << ": " << lines[i];
            }
        }
    }
}

TEST(HarmonyParser, NeedsATokenizerWithHarmonyTokens) {
    hearth::TokenizerVocabulary bytes_only;
    for (int byte = 0; byte < 256; ++byte) {
        bytes_only.tokens.push_back(
            hearth::tokenizer::byte_level_encode(std::string(1, static_cast<char>(byte))));
    }
    const auto tokenizer = hearth::Tokenizer::from_vocabulary(bytes_only);
    ASSERT_TRUE(tokenizer.has_value());
    EXPECT_FALSE(HarmonyStreamParser::create(*tokenizer).has_value());
}

} // namespace
