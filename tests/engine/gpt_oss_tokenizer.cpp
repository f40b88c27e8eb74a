#include "gpt_oss_tokenizer.h"

#include <cstdio>
#include <cstdlib>

namespace hearth::test {

const Tokenizer& gpt_oss_tokenizer() {
    static const Tokenizer tokenizer = [] {
        auto loaded = Tokenizer::from_hf_json_file(HEARTH_TOKENIZER_JSON);
        if (!loaded) {
            // Every test of the program needs it: stop with the reason rather than crash later.
            std::fprintf(stderr, "cannot load %s: %s (%s)\n", HEARTH_TOKENIZER_JSON,
                         loaded.error().message.c_str(), loaded.error().detail.c_str());
            std::abort();
        }
        return *std::move(loaded);
    }();
    return tokenizer;
}

} // namespace hearth::test
