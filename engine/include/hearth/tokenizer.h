// The o200k_harmony tokenizer of gpt-oss: text <-> token ids.
//
// Byte-level BPE with tiktoken's semantics (ranks are token ids), the o200k pre-tokenizer, and
// special tokens such as <|start|> that are recognised only where the caller allows them.
// A Tokenizer is immutable once made: copies share one vocabulary and every method may be called
// from any number of threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hearth/error.h"

namespace hearth {

using TokenId = std::int32_t;

// The values of GGUF's `tokenizer.ggml.token_type` (llama.cpp's llama_token_type).
enum class TokenType : std::int32_t {
    normal = 1,       // a BPE token; its id is its merge rank
    unknown = 2,      // never produced or decoded
    control = 3,      // a special token such as <|start|>
    user_defined = 4, // treated like control
    unused = 5,       // padding such as GGUF's "[PAD200019]"; never produced or decoded
    byte = 6,         // treated like normal
};

// A vocabulary as a model file stores it, indexed by token id. A GGUF reader fills it from
// `tokenizer.ggml.tokens` and `tokenizer.ggml.token_type`; `tokenizer.ggml.merges` is not needed
// because ranks are the ids. The pre-tokenizer is always o200k's (GGUF `tokenizer.ggml.pre` =
// "gpt-4o", model "gpt2"): check those before calling Tokenizer::from_vocabulary.
struct TokenizerVocabulary {
    // normal/byte tokens: the GPT-2 byte-level spelling ("Ġhello" for " hello").
    // control/user_defined tokens: their literal text ("<|start|>").
    // unknown/unused tokens: anything (ignored).
    std::vector<std::string> tokens;
    // One TokenType value per token; empty means every token is normal.
    std::vector<std::int32_t> token_types;
};

// Which special tokens encode() may produce. Special-token text that is not allowed is encoded
// as ordinary text.
class AllowedSpecials {
  public:
    static AllowedSpecials none() { return AllowedSpecials(false, {}); }
    static AllowedSpecials all() { return AllowedSpecials(true, {}); }
    static AllowedSpecials only(std::vector<std::string> names) {
        return AllowedSpecials(false, std::move(names));
    }

    bool allows(std::string_view name) const;

  private:
    AllowedSpecials(bool all, std::vector<std::string> names)
        : all_(all), names_(std::move(names)) {}

    bool all_;
    std::vector<std::string> names_;
};

class Tokenizer {
  public:
    // Validates the vocabulary: known token types, byte-level text, no duplicate tokens, all 256
    // single bytes present. Any problem is an Error, never a crash.
    static Result<Tokenizer> from_vocabulary(const TokenizerVocabulary& vocabulary);

    // A Hugging Face tokenizer.json (the text, or the file) whose pre-tokenizer is o200k's.
    static Result<Tokenizer> from_hf_json(std::string_view json_text);
    static Result<Tokenizer> from_hf_json_file(const std::filesystem::path& path);

    // Text -> ids. Never produces special tokens, whatever the text contains. Any bytes are
    // accepted; bytes that are not valid UTF-8 are encoded as themselves.
    std::vector<TokenId> encode_ordinary(std::string_view text) const;

    // Text -> ids, with the allowed special tokens' text turned into their ids.
    std::vector<TokenId> encode(std::string_view text, const AllowedSpecials& allowed) const;

    // Ids -> bytes (not necessarily valid UTF-8 when cut mid-character). Fails on an id that is
    // out of range, unknown or unused.
    Result<std::string> decode(std::span<const TokenId> ids) const;

    // The bytes of one token (the literal text for special tokens); nothing for ids decode()
    // rejects.
    std::optional<std::string_view> token_bytes(TokenId id) const;

    // The id of a special token given its text ("<|start|>"), if the vocabulary has it.
    std::optional<TokenId> special_token_id(std::string_view name) const;

    bool is_special(TokenId id) const;

    // Number of ids, including unused ones.
    std::size_t size() const;

  private:
    struct Vocabulary;
    explicit Tokenizer(std::shared_ptr<const Vocabulary> vocabulary);
    std::shared_ptr<const Vocabulary> vocabulary_;
};

// Turns a stream of token ids into text that is always valid UTF-8: a character split across
// tokens is held back until it is complete, and bytes that can never form a character become
// U+FFFD. One instance per stream; not thread-safe.
class TokenStreamDecoder {
  public:
    explicit TokenStreamDecoder(Tokenizer tokenizer) : tokenizer_(std::move(tokenizer)) {}

    // The text completed by this token (often empty for a partial character). An id that
    // Tokenizer::decode rejects is an Error and leaves the stream unchanged.
    Result<std::string> push(TokenId id);

    // What is held back, as U+FFFD, and a fresh start.
    std::string finish();

  private:
    Tokenizer tokenizer_;
    std::string pending_;
};

} // namespace hearth
