// libFuzzer entry point for the Harmony stream parser: the input is a token stream, two bytes per
// token, mapped mostly onto Harmony's special tokens and a few text tokens so that the fuzzer
// reaches the parser's states quickly. Checks that every text delta is valid UTF-8, messages open
// and close in turn, and exactly one GenerationEnded comes last.
// Needs hearth_engine and the gpt-oss tokenizer.json (see fuzz_tokenizer.cpp).
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "fuzz_tokenizer_fixture.h"
#include "hearth/harmony_parser.h"
#include "tokenizer/utf8.h"

namespace {

using namespace hearth::harmony;

using hearth::fuzz::check;
using hearth::fuzz::gpt_oss_tokenizer;

// Specials, header words ("analysis", "final", "assistant", " to", "=", " code"), text, and an
// id no token has.
constexpr hearth::TokenId interesting_ids[] = {
    200005, 200006, 200007, 200008, 200003, 200002, 200012, 199999, 200000, 35644, 17196,
    173781, 316,    28,     3490,   17,     659,    220,    19,     13,     198,   200500};

// The token of each single byte: a character split over several of them tests the UTF-8
// buffering.
const std::array<hearth::TokenId, 256>& byte_ids() {
    static const std::array<hearth::TokenId, 256> ids = [] {
        std::array<hearth::TokenId, 256> table{};
        for (int byte = 0; byte < 256; ++byte) {
            table[byte] =
                gpt_oss_tokenizer().encode_ordinary(std::string(1, static_cast<char>(byte)))[0];
        }
        return table;
    }();
    return ids;
}

hearth::TokenId token_from(std::uint8_t high, std::uint8_t low) {
    constexpr std::size_t count = sizeof interesting_ids / sizeof interesting_ids[0];
    if (high < 0x80) return interesting_ids[low % count];
    if (high < 0xC0) return byte_ids()[low];
    // Any id, padding ones included.
    return static_cast<hearth::TokenId>(((high & 0x3Fu) << 12 | low << 4) % 201088u);
}

class EventChecker {
  public:
    void add(const ParserEvent& event) {
        check(!ended_);
        if (const auto* delta = std::get_if<TextDelta>(&event)) {
            check(open_);
            check(is_valid_utf8(delta->text));
        } else if (std::holds_alternative<MessageStarted>(event)) {
            check(!open_);
            open_ = true;
        } else if (std::holds_alternative<ToolCallCompleted>(event)) {
            check(open_);
        } else if (std::holds_alternative<MessageEnded>(event)) {
            check(open_);
            open_ = false;
        } else if (std::holds_alternative<GenerationEnded>(event)) {
            check(!open_);
            ended_ = true;
        }
    }
    bool ended() const { return ended_; }

  private:
    static bool is_valid_utf8(const std::string& text) {
        for (std::size_t offset = 0; offset < text.size();) {
            const auto decoded = hearth::tokenizer::decode_utf8(text, offset);
            if (decoded.status != hearth::tokenizer::Utf8Status::valid) return false;
            offset += decoded.length;
        }
        return true;
    }

    bool open_ = false;
    bool ended_ = false;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parser = HarmonyStreamParser::create(gpt_oss_tokenizer());
    check(parser.has_value());
    EventChecker checker;
    for (std::size_t i = 0; i + 1 < size; i += 2) {
        for (const ParserEvent& event : parser->push(token_from(data[i], data[i + 1]))) {
            checker.add(event);
        }
    }
    for (const ParserEvent& event : parser->finish(EndReason::length))
        checker.add(event);
    check(checker.ended());
    return 0;
}
