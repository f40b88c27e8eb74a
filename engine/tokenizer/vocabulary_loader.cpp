// Tokenizer::from_vocabulary: turns an untrusted vocabulary into a Tokenizer or a clear Error.
#include <algorithm>
#include <string>

#include "byte_level.h"
#include "loaded_vocabulary.h"

namespace hearth {
namespace {

// Generous bounds that keep offsets in 32 bits; o200k has 201088 tokens of at most 128 bytes.
constexpr std::size_t max_token_count = std::size_t{1} << 24;
constexpr std::size_t max_token_bytes = 1024;

std::string token_label(std::size_t id) { return "token " + std::to_string(id); }

Result<TokenType> token_type_of(const TokenizerVocabulary& vocabulary, std::size_t id) {
    if (vocabulary.token_types.empty()) return TokenType::normal;
    const std::int32_t value = vocabulary.token_types[id];
    if (value < static_cast<std::int32_t>(TokenType::normal) ||
        value > static_cast<std::int32_t>(TokenType::byte)) {
        return fail("The tokenizer vocabulary is invalid.",
                    token_label(id) + " has unknown type " + std::to_string(value));
    }
    return static_cast<TokenType>(value);
}

bool is_bpe_token(TokenType type) { return type == TokenType::normal || type == TokenType::byte; }

bool is_special_type(TokenType type) {
    return type == TokenType::control || type == TokenType::user_defined;
}

} // namespace

Result<Tokenizer> Tokenizer::from_vocabulary(const TokenizerVocabulary& vocabulary) {
    const std::size_t count = vocabulary.tokens.size();
    if (count == 0 || count > max_token_count) {
        return fail("The tokenizer vocabulary is invalid.",
                    "it has " + std::to_string(count) + " tokens");
    }
    if (!vocabulary.token_types.empty() && vocabulary.token_types.size() != count) {
        return fail("The tokenizer vocabulary is invalid.",
                    std::to_string(count) + " tokens but " +
                        std::to_string(vocabulary.token_types.size()) + " token types");
    }

    std::string arena;
    std::vector<std::uint32_t> offsets{0};
    std::vector<TokenType> types;
    offsets.reserve(count + 1);
    types.reserve(count);
    tokenizer::RankTable ranks;
    ranks.reserve(count, 0);
    for (std::size_t id = 0; id < count; ++id) {
        const auto type = token_type_of(vocabulary, id);
        if (!type) return std::unexpected(type.error());
        const std::string& text = vocabulary.tokens[id];
        std::string bytes;
        if (is_bpe_token(*type)) {
            auto decoded = tokenizer::byte_level_decode(text);
            if (!decoded || decoded->empty()) {
                return fail("The tokenizer vocabulary is invalid.",
                            token_label(id) + " is not byte-level text");
            }
            bytes = std::move(*decoded);
        } else if (is_special_type(*type)) {
            bytes = text;
        }
        if (bytes.size() > max_token_bytes) {
            return fail("The tokenizer vocabulary is invalid.", token_label(id) + " is too long");
        }
        if (is_bpe_token(*type) && !ranks.insert(bytes, static_cast<TokenId>(id))) {
            return fail("The tokenizer vocabulary is invalid.",
                        token_label(id) + " repeats an earlier token");
        }
        arena += bytes;
        offsets.push_back(static_cast<std::uint32_t>(arena.size()));
        types.push_back(*type);
    }
    for (unsigned byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        if (ranks.find(std::string_view(&c, 1)) == tokenizer::RankTable::absent) {
            return fail("The tokenizer vocabulary is invalid.",
                        "no token for the single byte " + std::to_string(byte));
        }
    }

    auto loaded = std::make_shared<Vocabulary>(std::move(ranks));
    for (std::size_t id = 0; id < count; ++id) {
        if (!is_special_type(types[id])) continue;
        std::string text = arena.substr(offsets[id], offsets[id + 1] - offsets[id]);
        if (text.empty()) {
            return fail("The tokenizer vocabulary is invalid.",
                        token_label(id) + " is an empty special token");
        }
        if (!loaded->special_ids.emplace(text, static_cast<TokenId>(id)).second) {
            return fail("The tokenizer vocabulary is invalid.",
                        token_label(id) + " repeats the special token " + text);
        }
        auto& group = loaded->specials_by_first_byte[static_cast<unsigned char>(text[0])];
        group.push_back({std::move(text), static_cast<TokenId>(id)});
    }
    for (auto& group : loaded->specials_by_first_byte) {
        std::ranges::stable_sort(group,
                                 [](const Vocabulary::Special& a, const Vocabulary::Special& b) {
                                     return a.text.size() > b.text.size();
                                 });
    }
    loaded->token_arena = std::move(arena);
    loaded->token_offsets = std::move(offsets);
    loaded->types = std::move(types);
    return Tokenizer(std::move(loaded));
}

} // namespace hearth
