// The real gpt-oss tokenizer (tests/fixtures/tokenizer), loaded once per test program.
#pragma once

#include "hearth/tokenizer.h"

namespace hearth::test {

const Tokenizer& gpt_oss_tokenizer();

} // namespace hearth::test
