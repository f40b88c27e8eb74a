#include "tokenizer_summary.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace hearth::model {
namespace {

using nlohmann::json;

std::optional<std::uint32_t> token_id(const format::GgufFile& file, const char* key) {
    auto id = file.get_uint(key);
    if (!id || *id > 0xFFFFFFFFull) return std::nullopt;
    return static_cast<std::uint32_t>(*id);
}

std::uint64_t array_count(const format::GgufFile& file, const char* key) {
    const auto* value = file.find(key);
    const auto* array = value ? std::get_if<format::GgufArray>(value) : nullptr;
    return array ? array->count : 0;
}

// Counts vocabulary entries, merges and added tokens while streaming through tokenizer.json, so
// a 28 MB file never becomes a 300 MB document tree.
class CountingHandler : public nlohmann::json_sax<json> {
  public:
    std::uint64_t vocab = 0, merges = 0, added = 0;

    bool key(string_t& name) override {
        if (at({"model", "vocab"}, false)) ++vocab;
        pending_key_ = name;
        return true;
    }
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

  private:
    struct Frame {
        bool array;
        std::string name; // the key this container sits under ("" for the root and array items)
    };

    // True when the innermost containers below the root are named `names`, the last an array
    // (or an object when `array` is false).
    bool at(std::initializer_list<const char*> names, bool array) const {
        if (stack_.size() != names.size() + 1 || stack_.back().array != array) return false;
        std::size_t i = 1;
        for (const char* name : names) {
            if (stack_[i++].name != name) return false;
        }
        return true;
    }
    bool value() {
        if (at({"model", "merges"}, true)) ++merges;
        if (at({"added_tokens"}, true)) ++added;
        return true;
    }
    bool open(bool array) {
        value();
        stack_.push_back({array, std::exchange(pending_key_, {})});
        return stack_.size() < 64; // real files nest 4 deep; refuse pathological input
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    std::vector<Frame> stack_;
    std::string pending_key_;
};

} // namespace

TokenizerSummary summarize_gguf_tokenizer(const format::GgufFile& file) {
    TokenizerSummary s;
    s.token_count = array_count(file, "tokenizer.ggml.tokens");
    if (s.token_count == 0) {
        s.source = "none";
        return s;
    }
    s.source = "GGUF metadata";
    if (auto model = file.get_string("tokenizer.ggml.model")) s.model = *model;
    s.merge_count = array_count(file, "tokenizer.ggml.merges");
    if (auto types = file.get_int_array("tokenizer.ggml.token_type")) {
        for (auto t : *types)
            s.special_token_count += t == 3 ? 1 : 0; // CONTROL
    }
    s.bos_id = token_id(file, "tokenizer.ggml.bos_token_id");
    s.eos_id = token_id(file, "tokenizer.ggml.eos_token_id");
    s.padding_id = token_id(file, "tokenizer.ggml.padding_token_id");
    s.has_chat_template = file.find("tokenizer.chat_template") != nullptr;
    return s;
}

Result<TokenizerSummary> summarize_tokenizer_json(const std::filesystem::path& path) {
    TokenizerSummary s;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        s.source = "none";
        return s;
    }
    CountingHandler counter;
    if (!json::sax_parse(in, &counter)) return fail(path.string() + ": not valid JSON");
    s.source = "tokenizer.json";
    s.model = "BPE";
    s.token_count = counter.vocab + counter.added;
    s.merge_count = counter.merges;
    s.special_token_count = counter.added;
    return s;
}

} // namespace hearth::model
