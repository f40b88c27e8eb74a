#include <gtest/gtest.h>

#include "MarkdownModel.h"
#include "markdown_blocks.h"

namespace {

using hearth::markdown::Block;
using hearth::markdown::BlockType;
using hearth::markdown::parse;

TEST(MarkdownBlocks, ParagraphsAreSeparatedByBlankLines) {
    const auto blocks = parse("First line\nsame paragraph.\n\nSecond one.");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].type, BlockType::paragraph);
    EXPECT_EQ(blocks[0].text, "First line same paragraph.");
    EXPECT_EQ(blocks[1].text, "Second one.");
}

TEST(MarkdownBlocks, HeadingsKeepTheirLevel) {
    const auto blocks = parse("# Title\n\n### Part *three*\n\nSetext\n---");
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[0].type, BlockType::heading);
    EXPECT_EQ(blocks[0].level, 1);
    EXPECT_EQ(blocks[0].text, "Title");
    EXPECT_EQ(blocks[1].level, 3);
    EXPECT_EQ(blocks[1].text, "Part <i>three</i>");
    EXPECT_EQ(blocks[2].level, 2);
}

TEST(MarkdownBlocks, InlineFormattingBecomesRichText) {
    const auto blocks = parse("*em* **strong** ~~gone~~ `a < b` line  \nbreak");
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].text,
              "<i>em</i> <b>strong</b> <s>gone</s> <code>a &lt; b</code> line<br>break");
}

TEST(MarkdownBlocks, LinksKeepTheirAddressEscaped) {
    const auto blocks = parse("[the docs](https://example.com/a?b=1&c=\"2\") and https://x.org");
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].text,
              "<a href=\"https://example.com/a?b=1&amp;c=&quot;2&quot;\">the docs</a> and "
              "<a href=\"https://x.org\">https://x.org</a>");
}

TEST(MarkdownBlocks, BulletListsNestWithTheirDepth) {
    const auto blocks = parse("- one\n- two\n  - inner\n    - deepest\n- three");
    ASSERT_EQ(blocks.size(), 5u);
    const std::pair<const char*, int> expected[] = {
        {"one", 1}, {"two", 1}, {"inner", 2}, {"deepest", 3}, {"three", 1}};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(blocks[i].type, BlockType::list_item);
        EXPECT_EQ(blocks[i].text, expected[i].first);
        EXPECT_EQ(blocks[i].indent, expected[i].second);
    }
    EXPECT_EQ(blocks[0].marker, "•");
    EXPECT_EQ(blocks[2].marker, "◦");
    EXPECT_EQ(blocks[3].marker, "▪");
}

TEST(MarkdownBlocks, NumberedListsCountFromTheirStart) {
    const auto blocks = parse("3. three\n4. four\n   1. sub\n5. five");
    ASSERT_EQ(blocks.size(), 4u);
    EXPECT_EQ(blocks[0].marker, "3.");
    EXPECT_EQ(blocks[1].marker, "4.");
    EXPECT_EQ(blocks[2].marker, "1.");
    EXPECT_EQ(blocks[2].indent, 2);
    EXPECT_EQ(blocks[3].marker, "5.");
}

TEST(MarkdownBlocks, ALooseItemsLaterParagraphsFollowAtItsIndent) {
    const auto blocks = parse("- first\n\n  more of first\n\n- second");
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[0].type, BlockType::list_item);
    EXPECT_EQ(blocks[0].text, "first");
    EXPECT_EQ(blocks[1].type, BlockType::paragraph);
    EXPECT_EQ(blocks[1].text, "more of first");
    EXPECT_EQ(blocks[1].indent, 1);
    EXPECT_EQ(blocks[2].text, "second");
}

TEST(MarkdownBlocks, TaskItemsShowTheirBox) {
    const auto blocks = parse("- [ ] todo\n- [x] done");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].marker, "☐");
    EXPECT_EQ(blocks[1].marker, "☑");
}

TEST(MarkdownBlocks, TablesKeepCellsAndAlignment) {
    const auto blocks = parse("| Name | Size |\n|:-----|-----:|\n| **a** | 1 |\n| b | 22 |");
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].type, BlockType::table);
    EXPECT_EQ(blocks[0].header, (QStringList{"Name", "Size"}));
    EXPECT_EQ(blocks[0].align, (QStringList{"left", "right"}));
    ASSERT_EQ(blocks[0].rows.size(), 2u);
    EXPECT_EQ(blocks[0].rows[0], (QStringList{"<b>a</b>", "1"}));
    EXPECT_EQ(blocks[0].rows[1], (QStringList{"b", "22"}));
}

TEST(MarkdownBlocks, BlockQuotesMarkTheirDepth) {
    const auto blocks = parse("> quoted\n>\n> > nested\n\nafter");
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[0].text, "quoted");
    EXPECT_EQ(blocks[0].quote, 1);
    EXPECT_EQ(blocks[1].text, "nested");
    EXPECT_EQ(blocks[1].quote, 2);
    EXPECT_EQ(blocks[2].quote, 0);
}

TEST(MarkdownBlocks, FencedCodeKeepsItsLanguageAndVerbatimText) {
    const auto blocks =
        parse("Look:\n\n```c++ {.numbered}\nif (a < b && c)\n  return \"<x>\";\n```\n");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[1].type, BlockType::code);
    EXPECT_EQ(blocks[1].language, "c++");
    EXPECT_EQ(blocks[1].code, "if (a < b && c)\n  return \"<x>\";");
}

TEST(MarkdownBlocks, HorizontalRulesAreBlocks) {
    const auto blocks = parse("above\n\n***\n\nbelow");
    ASSERT_EQ(blocks.size(), 3u);
    EXPECT_EQ(blocks[1].type, BlockType::rule);
}

TEST(MarkdownBlocks, RawHtmlIsShownAsTheCharactersTyped) {
    const auto blocks = parse("<script>alert('x')</script>\n\nHi <b onclick=\"x\">there</b>");
    ASSERT_EQ(blocks.size(), 2u);
    EXPECT_EQ(blocks[0].text, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    EXPECT_EQ(blocks[1].text, "Hi &lt;b onclick=&quot;x&quot;&gt;there&lt;/b&gt;");
}

TEST(MarkdownBlocks, EntitiesAreDecodedThenEscaped) {
    const auto blocks = parse("&lt;img src=x&gt; &#60;b&#62; &copy; &bogus;");
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].text, "&lt;img src=x&gt; &lt;b&gt; © &amp;bogus;");
}

TEST(MarkdownBlocks, ImagesShowTheirAltTextAndAreNeverLoaded) {
    const auto blocks =
        parse("![a *cat*](https://tracker.example/pixel.png) [![logo](logo.png)](https://x.org)");
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].text, "[image: a <i>cat</i>] <a href=\"https://x.org\">[image: logo]</a>");
    EXPECT_FALSE(blocks[0].text.contains("<img"));
    EXPECT_FALSE(blocks[0].text.contains("pixel.png"));
}

TEST(MarkdownBlocks, AnUnterminatedFenceWhileStreamingIsACodeBlock) {
    const auto partial = parse("Here:\n\n```python\nprint(1)\nfor i in");
    ASSERT_EQ(partial.size(), 2u);
    EXPECT_EQ(partial[1].type, BlockType::code);
    EXPECT_EQ(partial[1].language, "python");
    EXPECT_EQ(partial[1].code, "print(1)\nfor i in");

    const auto just_opened = parse("Here:\n\n```js");
    ASSERT_EQ(just_opened.size(), 2u);
    EXPECT_EQ(just_opened[1].type, BlockType::code);
    EXPECT_EQ(just_opened[1].language, "js");
    EXPECT_EQ(just_opened[1].code, "");

    const auto closed = parse("Here:\n\n```python\nprint(1)\n```\nafter");
    ASSERT_EQ(closed.size(), 3u);
    EXPECT_EQ(closed[1].code, "print(1)");
    EXPECT_EQ(closed[2].text, "after");
}

TEST(MarkdownBlocks, EmptyTextHasNoBlocks) {
    EXPECT_TRUE(parse("").empty());
    EXPECT_TRUE(parse("\n\n  \n").empty());
}

TEST(MarkdownModel, StreamingUpdatesOnlyTheGrowingBlock) {
    MarkdownModel model;
    model.setMarkdown("# Title\n\nSome");
    ASSERT_EQ(model.rowCount(), 2);
    int inserted = 0;
    int removed = 0;
    std::vector<int> changed;
    QObject::connect(
        &model, &QAbstractItemModel::rowsInserted,
        [&](const QModelIndex&, int first, int last) { inserted += last - first + 1; });
    QObject::connect(&model, &QAbstractItemModel::rowsRemoved,
                     [&](const QModelIndex&, int first, int last) { removed += last - first + 1; });
    QObject::connect(&model, &QAbstractItemModel::dataChanged,
                     [&](const QModelIndex& first, const QModelIndex& last) {
                         for (int row = first.row(); row <= last.row(); ++row)
                             changed.push_back(row);
                     });
    model.setMarkdown("# Title\n\nSome text");
    EXPECT_EQ(changed, std::vector<int>{1});
    EXPECT_EQ(inserted, 0);
    model.setMarkdown("# Title\n\nSome text\n\n```sh\nls");
    EXPECT_EQ(inserted, 1);
    EXPECT_EQ(model.data(model.index(2), MarkdownModel::TypeRole), "code");
    EXPECT_EQ(model.data(model.index(2), MarkdownModel::CodeRole), "ls");
    model.setMarkdown("");
    EXPECT_EQ(removed, 3);
    EXPECT_EQ(model.rowCount(), 0);
}

} // namespace
