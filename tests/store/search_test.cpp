#include <gtest/gtest.h>

#include "search.h"
#include "store_test_support.h"

namespace {

using namespace hearth::store;
using hearth::harmony::Role;
using testing_support::text_message;

class StoreSearchTest : public testing_support::TempDirTest {
  protected:
    void SetUp() override {
        TempDirTest::SetUp();
        store_.emplace(open_store());
        auto& s = *store_;
        weather_ = s.create_conversation({.title = "Weather questions"}).value();
        const auto q = s.add_message(weather_, std::nullopt,
                                     text_message(Role::user, "Will it rain in Tokyo tomorrow?"))
                           .value();
        rain_answer_ =
            s.add_message(weather_, q,
                          text_message(Role::assistant, "Light rain is likely in the afternoon.",
                                       "The user asks about precipitation."))
                .value();
        korea_ = s.create_conversation({.title = "대한민국 여행"}).value();
        const auto k = s.add_message(korea_, std::nullopt,
                                     text_message(Role::user, "대한민국의 수도는 어디인가요?"))
                           .value();
        capital_answer_ =
            s.add_message(korea_, k,
                          text_message(Role::assistant, "대한민국의 수도는 서울입니다.",
                                       "사용자가 수도를 묻는다. 서울이라고 답하자."))
                .value();
        archived_ = s.create_conversation({.title = "Old notes", .archived = true}).value();
        s.add_message(archived_, std::nullopt, text_message(Role::user, "rain gauge readings"))
            .value();
    }

    std::vector<SearchHit> find(SearchQuery query) {
        auto hits = search(*store_, query);
        EXPECT_TRUE(hits) << hits.error().message << " " << hits.error().detail;
        return hits.value_or(std::vector<SearchHit>{});
    }

    std::optional<ConversationStore> store_;
    ConversationId weather_ = 0, korea_ = 0, archived_ = 0;
    MessageId rain_answer_ = 0, capital_answer_ = 0;
};

TEST_F(StoreSearchTest, AnEnglishWordFindsTheAnswerWithAMarkedSnippet) {
    auto hits = find({.text = "afternoon"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].conversation_id, weather_);
    EXPECT_EQ(hits[0].message_id, rain_answer_);
    EXPECT_EQ(hits[0].field, SearchField::content);
    EXPECT_EQ(hits[0].conversation_title, "Weather questions");
    EXPECT_NE(hits[0].snippet.find("[afternoon]"), std::string::npos) << hits[0].snippet;
    EXPECT_LT(hits[0].rank, 0);
}

TEST_F(StoreSearchTest, MatchingIgnoresCaseAndFindsSubstrings) {
    auto hits = find({.text = "TOKY"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].field, SearchField::content);
    EXPECT_NE(hits[0].snippet.find("[Toky]o"), std::string::npos) << hits[0].snippet;
}

TEST_F(StoreSearchTest, TheModelsReasoningIsSearchable) {
    auto hits = find({.text = "precipitation"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, rain_answer_);
    EXPECT_EQ(hits[0].field, SearchField::thinking);
    EXPECT_NE(hits[0].snippet.find("[precipitation]"), std::string::npos) << hits[0].snippet;
}

TEST_F(StoreSearchTest, KoreanTextIsFoundByAWordInsideAnotherWord) {
    auto hits = find({.text = "한민"});
    // Two characters: too short for trigrams, answered by the LIKE scan: the title, then the
    // messages newest first.
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].field, SearchField::title);
    EXPECT_EQ(hits[0].conversation_id, korea_);
    EXPECT_EQ(hits[0].snippet, "대[한민]국 여행");
    EXPECT_EQ(hits[1].message_id, capital_answer_);
    EXPECT_EQ(hits[1].snippet, "대[한민]국의 수도는 서울입니다.");
    EXPECT_EQ(hits[2].field, SearchField::content);

    auto longer = find({.text = "한민국의"});
    ASSERT_EQ(longer.size(), 2u);
    EXPECT_EQ(longer[0].conversation_id, korea_);
    EXPECT_NE(longer[0].snippet.find("[한민국의]"), std::string::npos) << longer[0].snippet;
}

TEST_F(StoreSearchTest, KoreanReasoningIsFoundByTrigrams) {
    auto hits = find({.text = "서울이라고"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, capital_answer_);
    EXPECT_EQ(hits[0].field, SearchField::thinking);
}

TEST_F(StoreSearchTest, TitlesAreSearchedToo) {
    auto hits = find({.text = "questions"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].field, SearchField::title);
    EXPECT_FALSE(hits[0].message_id);
    EXPECT_EQ(hits[0].snippet, "Weather [questions]");
}

TEST_F(StoreSearchTest, EveryWordMustOccurInAnyOrder) {
    EXPECT_EQ(find({.text = "afternoon rain"}).size(), 1u);
    EXPECT_EQ(find({.text = "afternoon snow"}).size(), 0u);
    // A short word switches the whole query to the LIKE scan, with the same rule.
    EXPECT_EQ(find({.text = "in afternoon"}).size(), 1u);
    EXPECT_EQ(find({.text = "zz afternoon"}).size(), 0u);
}

TEST_F(StoreSearchTest, ASingleCharacterQueryWorks) {
    auto hits = find({.text = "울"});
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, capital_answer_);
}

TEST_F(StoreSearchTest, ArchivedConversationsCanBeLeftOut) {
    EXPECT_EQ(find({.text = "rain"}).size(), 3u);
    EXPECT_EQ(find({.text = "rain", .include_archived = false}).size(), 2u);
    EXPECT_EQ(find({.text = "ga", .include_archived = false}).size(), 0u);
    EXPECT_EQ(find({.text = "ga"}).size(), 1u);
}

TEST_F(StoreSearchTest, QuotesAndLikeWildcardsAreSearchedAsText) {
    auto c = store_->create_conversation({}).value();
    store_->add_message(c, std::nullopt, text_message(Role::user, R"(say "100% sure_ok")")).value();
    EXPECT_EQ(find({.text = R"("100%)"}).size(), 1u);
    EXPECT_EQ(find({.text = "0%"}).size(), 1u);
    EXPECT_EQ(find({.text = "e_"}).size(), 1u);
    EXPECT_EQ(find({.text = "%%"}).size(), 0u);
}

TEST_F(StoreSearchTest, TheLimitAndTheCallersMarkersAreUsed) {
    auto c = store_->create_conversation({}).value();
    for (int i = 0; i < 10; ++i) {
        store_
            ->add_message(c, std::nullopt,
                          text_message(Role::user, "umbrella " + std::to_string(i)))
            .value();
    }
    auto hits = find({.text = "umbrella", .limit = 3, .match_start = "<b>", .match_end = "</b>"});
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].snippet.substr(0, 15), "<b>umbrella</b>");
    EXPECT_EQ(find({.text = "um", .limit = 4}).size(), 4u);
}

TEST_F(StoreSearchTest, AWordInMoreThanAThousandMessagesListsTheNewestFirst) {
    auto c = store_->create_conversation({}).value();
    std::vector<MessageId> ids;
    for (int i = 0; i < 1001; ++i) {
        ids.push_back(store_
                          ->add_message(c, std::nullopt,
                                        text_message(Role::user, "umbrella " + std::to_string(i)))
                          .value());
    }
    auto hits = find({.text = "umbrella", .limit = 3});
    ASSERT_EQ(hits.size(), 3u);
    EXPECT_EQ(hits[0].message_id, ids[1000]);
    EXPECT_EQ(hits[1].message_id, ids[999]);
    EXPECT_EQ(hits[2].message_id, ids[998]);
    EXPECT_EQ(hits[0].rank, 0);
}

TEST_F(StoreSearchTest, DeletedAndEditedTextLeavesTheIndex) {
    ASSERT_TRUE(store_->delete_conversation(weather_));
    EXPECT_TRUE(find({.text = "afternoon"}).empty());
    EXPECT_TRUE(find({.text = "questions"}).empty());
    ASSERT_TRUE(store_->rename(korea_, "Seoul trip"));
    EXPECT_EQ(find({.text = "Seoul"}).size(), 1u);
    EXPECT_EQ(find({.text = "여행"}).size(), 0u);
    EXPECT_TRUE(store_->database().execute(
        "INSERT INTO message_search(message_search) VALUES('integrity-check');"
        "INSERT INTO title_search(title_search) VALUES('integrity-check')"));
}

TEST_F(StoreSearchTest, AnEmptyQueryFindsNothing) { EXPECT_TRUE(find({.text = "  "}).empty()); }

} // namespace
