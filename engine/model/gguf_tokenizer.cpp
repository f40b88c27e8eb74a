#include "gguf_tokenizer.h"

namespace hearth::model {

Result<Tokenizer> tokenizer_from_gguf(const format::GgufFile& file) {
    auto model = file.get_string("tokenizer.ggml.model");
    if (!model) return fail(file.name() + ": the file has no tokenizer (tokenizer.ggml.model)");
    // gpt-oss files say "gpt2" (byte-level BPE) with the "gpt-4o" (o200k) pre-tokenizer.
    auto pre = file.get_string("tokenizer.ggml.pre");
    if (*model != "gpt2" || (pre && *pre != "gpt-4o")) {
        return fail(file.name() + ": unsupported tokenizer '" + std::string(*model) + "/" +
                    std::string(pre ? *pre : "?") + "' (gpt-oss uses gpt2/gpt-4o)");
    }
    auto tokens = file.get_string_array("tokenizer.ggml.tokens");
    if (!tokens) return std::unexpected(tokens.error());
    TokenizerVocabulary vocabulary;
    vocabulary.tokens.assign(tokens->begin(), tokens->end());
    if (file.find("tokenizer.ggml.token_type")) {
        auto types = file.get_int_array("tokenizer.ggml.token_type");
        if (!types) return std::unexpected(types.error());
        for (auto t : *types) {
            if (t < INT32_MIN || t > INT32_MAX) {
                return fail(file.name() + ": tokenizer.ggml.token_type holds an invalid type");
            }
            vocabulary.token_types.push_back(static_cast<std::int32_t>(t));
        }
    }
    auto tokenizer = Tokenizer::from_vocabulary(vocabulary);
    if (!tokenizer) {
        return fail(file.name() + ": the tokenizer is invalid: " + tokenizer.error().message,
                    tokenizer.error().detail);
    }
    return tokenizer;
}

Result<Tokenizer> tokenizer_of(const ModelFiles& files) {
    if (files.gguf) return tokenizer_from_gguf(*files.gguf);
    return Tokenizer::from_hf_json_file(files.path / "tokenizer.json");
}

} // namespace hearth::model
