// The gpt-oss tokenizer for the fuzz targets that need one, loaded once per process from
// HEARTH_TOKENIZER_JSON (the environment, or the compile definition of that name).
#pragma once

#include <cstdlib>

#include "hearth/tokenizer.h"

namespace hearth::fuzz {

inline const Tokenizer& gpt_oss_tokenizer() {
    static const Tokenizer tokenizer = [] {
        const char* path = std::getenv("HEARTH_TOKENIZER_JSON");
#ifdef HEARTH_TOKENIZER_JSON
        if (path == nullptr) path = HEARTH_TOKENIZER_JSON;
#endif
        if (path == nullptr) std::abort();
        auto loaded = Tokenizer::from_hf_json_file(path);
        if (!loaded) std::abort();
        return *std::move(loaded);
    }();
    return tokenizer;
}

// Aborts (which libFuzzer reports as a crash) when an invariant does not hold.
inline void check(bool condition) {
    if (!condition) std::abort();
}

} // namespace hearth::fuzz
