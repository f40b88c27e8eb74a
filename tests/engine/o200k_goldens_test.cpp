// The tokenizer against OpenAI's own: tests/fixtures/tokenizer/o200k-goldens.jsonl holds texts and
// the ids tiktoken gave them (see make_o200k_goldens.mjs).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gpt_oss_tokenizer.h"

namespace {

struct Golden {
    std::string text;
    std::vector<hearth::TokenId> ids;
};

std::vector<Golden> read_goldens() {
    std::vector<Golden> goldens;
    std::ifstream file(HEARTH_O200K_GOLDENS);
    for (std::string line; std::getline(file, line);) {
        const auto entry = nlohmann::json::parse(line);
        goldens.push_back({entry.at("text").get<std::string>(),
                           entry.at("ids").get<std::vector<hearth::TokenId>>()});
    }
    return goldens;
}

const std::vector<Golden>& goldens() {
    static const std::vector<Golden> all = read_goldens();
    return all;
}

TEST(O200kGoldens, CorpusIsLargeAndVaried) {
    std::size_t bytes = 0;
    for (const Golden& golden : goldens())
        bytes += golden.text.size();
    EXPECT_GE(goldens().size(), 5000u);
    EXPECT_GE(bytes, 150'000u);
}

TEST(O200kGoldens, EveryTextEncodesToTiktokensIds) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    std::size_t mismatches = 0;
    for (const Golden& golden : goldens()) {
        const auto ids = tokenizer.encode_ordinary(golden.text);
        if (ids != golden.ids && ++mismatches <= 10) {
            ADD_FAILURE() << "text: " << nlohmann::json(golden.text).dump()
                          << "\nexpected: " << nlohmann::json(golden.ids).dump()
                          << "\nactual:   " << nlohmann::json(ids).dump();
        }
    }
    EXPECT_EQ(mismatches, 0u) << "of " << goldens().size() << " texts";
}

TEST(O200kGoldens, EveryTextDecodesBackToItself) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    for (const Golden& golden : goldens()) {
        const auto text = tokenizer.decode(golden.ids);
        ASSERT_TRUE(text.has_value());
        ASSERT_EQ(*text, golden.text);
    }
}

} // namespace
