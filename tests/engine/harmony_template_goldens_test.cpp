// The renderer against the model's own chat template: tests/fixtures/harmony/conversations/
// NAME.json rendered by make_template_goldens.py (Jinja2, date pinned to 2025-06-28) is NAME.txt.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gpt_oss_tokenizer.h"
#include "hearth/harmony.h"

namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

class TemplateGolden : public testing::TestWithParam<std::string> {
  protected:
    fs::path base() const { return fs::path(HEARTH_HARMONY_CONVERSATIONS) / GetParam(); }

    hearth::harmony::Conversation conversation() const {
        auto loaded = hearth::harmony::conversation_from_json(read_file(base().concat(".json")));
        EXPECT_TRUE(loaded.has_value()) << loaded.error().detail;
        loaded->current_date = "2025-06-28";
        return *loaded;
    }
    std::string expected_text() const { return read_file(base().concat(".txt")); }
};

TEST_P(TemplateGolden, RenderedTextEqualsTheChatTemplateByteForByte) {
    const auto text = hearth::harmony::render_prompt_text(conversation());
    ASSERT_TRUE(text.has_value()) << text.error().detail;
    EXPECT_EQ(*text, expected_text());
}

// None of these conversations spells a special token inside a message, so encoding the
// template's text with special tokens allowed gives the ids the prompt must have.
TEST_P(TemplateGolden, RenderedIdsEqualTheTemplateTextEncodedWithSpecialTokens) {
    const auto& tokenizer = hearth::test::gpt_oss_tokenizer();
    const auto prompt = hearth::harmony::render_prompt(conversation(), tokenizer);
    ASSERT_TRUE(prompt.has_value()) << prompt.error().detail;
    EXPECT_EQ(prompt->ids, tokenizer.encode(expected_text(), hearth::AllowedSpecials::all()));
}

std::vector<std::string> golden_names() {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(HEARTH_HARMONY_CONVERSATIONS)) {
        if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
    }
    std::ranges::sort(names);
    return names;
}

INSTANTIATE_TEST_SUITE_P(Conversations, TemplateGolden, testing::ValuesIn(golden_names()),
                         [](const testing::TestParamInfo<std::string>& param) {
                             return param.param;
                         });

TEST(TemplateGoldens, CoverEveryScenarioTheIssueNames) {
    const auto names = golden_names();
    for (const char* name :
         {"single_turn", "multi_turn_reasoning", "effort_low", "effort_high",
          "developer_instructions", "tool_call_pending", "tool_call_answered", "tool_schemas"}) {
        EXPECT_NE(std::ranges::find(names, name), names.end()) << name;
    }
}

} // namespace
