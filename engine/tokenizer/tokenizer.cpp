#include "hearth/tokenizer.h"

#include <algorithm>

#include "loaded_vocabulary.h"
#include "o200k_pretokenizer.h"
#include "utf8.h"

namespace hearth {
namespace {

void encode_ordinary_into(const tokenizer::BytePairEncoder& encoder, std::string_view text,
                          std::vector<TokenId>& out) {
    tokenizer::O200kPretokenizer pieces(text);
    for (std::string_view piece = pieces.next(); !piece.empty(); piece = pieces.next()) {
        encoder.encode_piece(piece, out);
    }
}

} // namespace

bool AllowedSpecials::allows(std::string_view name) const {
    return all_ || std::ranges::find(names_, name) != names_.end();
}

Tokenizer::Tokenizer(std::shared_ptr<const Vocabulary> vocabulary)
    : vocabulary_(std::move(vocabulary)) {}

std::vector<TokenId> Tokenizer::encode_ordinary(std::string_view text) const {
    std::vector<TokenId> ids;
    ids.reserve(text.size() / 4 + 1);
    encode_ordinary_into(vocabulary_->encoder, text, ids);
    return ids;
}

std::vector<TokenId> Tokenizer::encode(std::string_view text,
                                       const AllowedSpecials& allowed) const {
    std::vector<TokenId> ids;
    ids.reserve(text.size() / 4 + 1);
    std::size_t ordinary_start = 0;
    for (std::size_t offset = 0; offset < text.size();) {
        const auto& candidates =
            vocabulary_->specials_by_first_byte[static_cast<unsigned char>(text[offset])];
        const auto special = std::ranges::find_if(candidates, [&](const Vocabulary::Special& s) {
            return text.substr(offset).starts_with(s.text) && allowed.allows(s.text);
        });
        if (special == candidates.end()) {
            ++offset;
            continue;
        }
        encode_ordinary_into(vocabulary_->encoder,
                             text.substr(ordinary_start, offset - ordinary_start), ids);
        ids.push_back(special->id);
        offset += special->text.size();
        ordinary_start = offset;
    }
    encode_ordinary_into(vocabulary_->encoder, text.substr(ordinary_start), ids);
    return ids;
}

std::optional<std::string_view> Tokenizer::token_bytes(TokenId id) const {
    const Vocabulary& v = *vocabulary_;
    if (id < 0 || static_cast<std::size_t>(id) >= v.types.size()) return std::nullopt;
    const auto index = static_cast<std::size_t>(id);
    if (v.types[index] == TokenType::unknown || v.types[index] == TokenType::unused) {
        return std::nullopt;
    }
    return std::string_view(v.token_arena)
        .substr(v.token_offsets[index], v.token_offsets[index + 1] - v.token_offsets[index]);
}

Result<std::string> Tokenizer::decode(std::span<const TokenId> ids) const {
    std::string bytes;
    for (const TokenId id : ids) {
        const auto token = token_bytes(id);
        if (!token)
            return fail("Cannot decode the tokens.", "no token has id " + std::to_string(id));
        bytes += *token;
    }
    return bytes;
}

std::optional<TokenId> Tokenizer::special_token_id(std::string_view name) const {
    const auto found = vocabulary_->special_ids.find(std::string(name));
    if (found == vocabulary_->special_ids.end()) return std::nullopt;
    return found->second;
}

bool Tokenizer::is_special(TokenId id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= vocabulary_->types.size()) return false;
    const TokenType type = vocabulary_->types[static_cast<std::size_t>(id)];
    return type == TokenType::control || type == TokenType::user_defined;
}

std::size_t Tokenizer::size() const { return vocabulary_->types.size(); }

Result<std::string> TokenStreamDecoder::push(TokenId id) {
    const auto token = tokenizer_.token_bytes(id);
    if (!token) return fail("Cannot decode the tokens.", "no token has id " + std::to_string(id));
    pending_ += *token;
    return tokenizer::take_complete_utf8(pending_);
}

std::string TokenStreamDecoder::finish() { return tokenizer::take_remaining_utf8(pending_); }

} // namespace hearth
