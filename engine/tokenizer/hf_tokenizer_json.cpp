// Tokenizer::from_hf_json: a Hugging Face tokenizer.json, read into a TokenizerVocabulary.
//
// The file is 28 MB, most of it vocab and merges, so it is read with a SAX handler that places
// vocab entries directly and skips the merges (ranks are the ids) instead of building a DOM.
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "hearth/tokenizer.h"

namespace hearth {
namespace {

using nlohmann::json;

// The split pattern this tokenizer implements by hand (o200k_base and o200k_harmony).
constexpr std::string_view o200k_pattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"(\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

constexpr std::uint64_t max_token_id = std::uint64_t{1} << 24;

std::unexpected<Error> invalid(std::string detail) {
    return fail("The tokenizer.json file is not a supported tokenizer.", std::move(detail));
}

class TokenizerJsonReader final : public nlohmann::json_sax<json> {
  public:
    Result<TokenizerVocabulary> finish(bool parsed) {
        if (!error_.empty()) return invalid(error_);
        if (!parsed) return invalid("not valid JSON: " + parse_error_);
        if (!is_bpe_) return invalid("the model is not BPE");
        if (!has_o200k_split_) return invalid("the pre-tokenizer is not o200k's split pattern");
        if (vocabulary_.tokens.empty()) return invalid("model.vocab is missing");
        return std::move(vocabulary_);
    }

    bool start_object(std::size_t) override {
        if (at({"added_tokens", ""})) added_ = AddedToken{};
        path_.emplace_back();
        return true;
    }
    bool end_object() override {
        path_.pop_back();
        if (at({"added_tokens", ""})) return place_added_token();
        return true;
    }
    bool start_array(std::size_t) override {
        path_.emplace_back();
        return true;
    }
    bool end_array() override {
        path_.pop_back();
        return true;
    }
    bool key(string_t& name) override {
        path_.back() = name;
        return true;
    }

    bool string(string_t& value) override {
        if (at({"model", "type"})) is_bpe_ = value == "BPE";
        if (!path_.empty() && path_.front() == "pre_tokenizer" && path_.back() == "Regex" &&
            value == o200k_pattern) {
            has_o200k_split_ = true;
        }
        if (at({"added_tokens", "", "content"})) added_.content = std::move(value);
        return true;
    }
    bool number_unsigned(number_unsigned_t value) override {
        if (path_.size() == 3 && at_prefix({"model", "vocab"})) {
            return place(value, std::move(path_.back()), TokenType::normal);
        }
        if (at({"added_tokens", "", "id"})) added_.id = value;
        return true;
    }
    bool number_integer(number_integer_t value) override {
        if (value >= 0) return number_unsigned(static_cast<number_unsigned_t>(value));
        const bool is_token_id =
            (path_.size() == 3 && at_prefix({"model", "vocab"})) || at({"added_tokens", "", "id"});
        return is_token_id ? reject("a token id is negative") : true;
    }
    bool boolean(bool value) override {
        if (at({"added_tokens", "", "special"})) added_.special = value;
        return true;
    }
    bool null() override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& e) override {
        parse_error_ = e.what();
        return false;
    }

  private:
    struct AddedToken {
        std::optional<std::uint64_t> id;
        std::optional<std::string> content;
        bool special = false;
    };

    // Whether the current position is exactly `keys` ("" matches any array element or key).
    bool at(std::initializer_list<std::string_view> keys) const {
        return path_.size() == keys.size() && at_prefix(keys);
    }
    bool at_prefix(std::initializer_list<std::string_view> keys) const {
        if (path_.size() < keys.size()) return false;
        std::size_t i = 0;
        for (const std::string_view key : keys) {
            if (!key.empty() && path_[i] != key) return false;
            ++i;
        }
        return true;
    }

    bool reject(std::string detail) {
        error_ = std::move(detail);
        return false;
    }

    bool place_added_token() {
        if (!added_.id || !added_.content) return reject("an added token lacks an id or content");
        return place(*added_.id, std::move(*added_.content),
                     added_.special ? TokenType::control : TokenType::user_defined);
    }

    // Puts `text` at `id`, growing the vocabulary; gaps stay unused.
    bool place(std::uint64_t id, std::string text, TokenType type) {
        if (id >= max_token_id) return reject("token id " + std::to_string(id) + " is too large");
        const auto index = static_cast<std::size_t>(id);
        auto& types = vocabulary_.token_types;
        if (index >= vocabulary_.tokens.size()) {
            vocabulary_.tokens.resize(index + 1);
            types.resize(index + 1, static_cast<std::int32_t>(TokenType::unused));
        }
        if (types[index] != static_cast<std::int32_t>(TokenType::unused)) {
            return reject("token id " + std::to_string(index) + " is used twice");
        }
        vocabulary_.tokens[index] = std::move(text);
        types[index] = static_cast<std::int32_t>(type);
        return true;
    }

    // Object keys (or "" for array elements) from the root to the current value.
    std::vector<std::string> path_;
    TokenizerVocabulary vocabulary_;
    AddedToken added_;
    bool is_bpe_ = false;
    bool has_o200k_split_ = false;
    std::string error_;
    std::string parse_error_;
};

} // namespace

Result<Tokenizer> Tokenizer::from_hf_json(std::string_view json_text) {
    TokenizerJsonReader reader;
    const bool parsed = json::sax_parse(json_text, &reader);
    auto vocabulary = reader.finish(parsed);
    if (!vocabulary) return std::unexpected(vocabulary.error());
    return from_vocabulary(*vocabulary);
}

Result<Tokenizer> Tokenizer::from_hf_json_file(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    std::ifstream file(path, std::ios::binary);
    if (error || !file) return fail("Cannot open the tokenizer file.", path.string());
    std::string text(size, '\0');
    if (!file.read(text.data(), static_cast<std::streamsize>(size))) {
        return fail("Cannot read the tokenizer file.", path.string());
    }
    return from_hf_json(text);
}

} // namespace hearth
