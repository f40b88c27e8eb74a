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

void replace_all(std::string& text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

// The two documented differences between the chat template and the Harmony renderer Hearth
// follows (shared/docs/gpt-oss-model.md section 8.7), applied to the template's text: tool calls
// carry <|constrain|>json, and developer instructions end without a blank line when no tools
// follow. Nothing else may differ.
std::string as_harmony_renders_it(std::string text) {
    replace_all(text, "<|channel|>commentary json<|message|>",
                "<|channel|>commentary <|constrain|>json<|message|>");
    const std::string developer = "<|start|>developer<|message|>";
    const auto start = text.find(developer);
    if (start != std::string::npos) {
        const auto end = text.find("<|end|>", start);
        const auto body = text.substr(start, end - start);
        if (body.find("# Tools") == std::string::npos && body.ends_with("\n\n")) {
            text.erase(end - 2, 2);
        }
    }
    return text;
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
    std::string expected_text() const {
        return as_harmony_renders_it(read_file(base().concat(".txt")));
    }
};

TEST_P(TemplateGolden, RenderedTextEqualsTheChatTemplateUpToTheTwoDocumentedDifferences) {
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
