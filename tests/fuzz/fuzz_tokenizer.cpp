// libFuzzer entry point for the tokenizer. The first input byte picks what the rest feeds:
//   0: text to encode (must decode back to itself, with and without special tokens)
//   1: a tokenizer.json document (must load or fail cleanly)
//   2: a vocabulary, one token per line (must load or fail cleanly)
// Needs hearth_engine and the gpt-oss tokenizer.json: the HEARTH_TOKENIZER_JSON environment
// variable, or the compile definition of that name.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_tokenizer_fixture.h"
#include "hearth/tokenizer.h"
#include "tokenizer/utf8.h"

namespace {

using hearth::fuzz::check;
using hearth::fuzz::gpt_oss_tokenizer;

bool is_valid_utf8(const std::string& text) {
    for (std::size_t offset = 0; offset < text.size();) {
        const auto decoded = hearth::tokenizer::decode_utf8(text, offset);
        if (decoded.status != hearth::tokenizer::Utf8Status::valid) return false;
        offset += decoded.length;
    }
    return true;
}

void round_trip(std::string_view text) {
    const auto& tokenizer = gpt_oss_tokenizer();
    const auto ordinary = tokenizer.encode_ordinary(text);
    for (const auto id : ordinary)
        check(!tokenizer.is_special(id));
    check(tokenizer.decode(ordinary) == std::string(text));
    const auto with_specials = tokenizer.encode(text, hearth::AllowedSpecials::all());
    check(tokenizer.decode(with_specials) == std::string(text));

    hearth::TokenStreamDecoder stream(tokenizer);
    std::string streamed;
    for (const auto id : ordinary) {
        const auto piece = stream.push(id);
        check(piece.has_value() && is_valid_utf8(*piece));
        streamed += *piece;
    }
    streamed += stream.finish();
    check(is_valid_utf8(streamed));
}

void load_vocabulary_lines(std::string_view text) {
    hearth::TokenizerVocabulary vocabulary;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        vocabulary.tokens.emplace_back(text.substr(start, end - start));
        vocabulary.token_types.push_back(static_cast<std::int32_t>(vocabulary.tokens.size() % 7));
        start = end + 1;
    }
    if (const auto tokenizer = hearth::Tokenizer::from_vocabulary(vocabulary)) {
        const auto ids = tokenizer->encode(text, hearth::AllowedSpecials::all());
        check(tokenizer->decode(ids).has_value());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 3) {
    case 0: round_trip(rest); break;
    case 1: (void)hearth::Tokenizer::from_hf_json(rest); break;
    case 2: load_vocabulary_lines(rest); break;
    }
    return 0;
}
