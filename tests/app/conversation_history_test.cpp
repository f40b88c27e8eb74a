#include <gtest/gtest.h>

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include "ConversationHistory.h"
#include "ConversationListModel.h"
#include "conversation_store.h"

namespace {

using Store = hearth::store::ConversationStore;

QDateTime at(int year, int month, int day, int hour) {
    return QDateTime(QDate(year, month, day), QTime(hour, 0), QTimeZone::utc());
}

qint64 ms(const QDateTime& time) { return time.toMSecsSinceEpoch(); }

TEST(ConversationListModel, SectionsGroupByDayWithPinnedFirst) {
    const QDateTime now = at(2026, 3, 10, 9);
    using Model = ConversationListModel;
    EXPECT_EQ(Model::section_for(ms(at(2026, 3, 10, 0)), false, now), "Today");
    EXPECT_EQ(Model::section_for(ms(at(2026, 3, 9, 23)), false, now), "Yesterday");
    EXPECT_EQ(Model::section_for(ms(at(2026, 3, 8, 12)), false, now), "Previous 7 days");
    EXPECT_EQ(Model::section_for(ms(at(2026, 3, 3, 12)), false, now), "Previous 7 days");
    EXPECT_EQ(Model::section_for(ms(at(2026, 3, 2, 23)), false, now), "Older");
    EXPECT_EQ(Model::section_for(ms(at(2025, 1, 1, 0)), true, now), "Pinned");
}

TEST(ConversationListModel, HiddenConversationsAreLeftOut) {
    ConversationListModel model;
    model.set_conversations({QVariantMap{{"id", 1}, {"title", "one"}},
                             QVariantMap{{"id", 2}, {"title", "two"}, {"pinned", true}}});
    ASSERT_EQ(model.rowCount(), 2);
    model.set_hidden({1});
    ASSERT_EQ(model.rowCount(), 1);
    EXPECT_EQ(model.get(0).value("title"), "two");
    EXPECT_EQ(model.rowOf(1), -1);
    EXPECT_EQ(model.title_of(1), "one");
}

class ConversationHistoryTest : public testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(dir_.isValid());
        path_ = dir_.filePath("history.db");
        auto store = Store::open(path_.toStdString());
        ASSERT_TRUE(store) << store.error().message;
        for (const char* title : {"Apples and pears", "Bicycle repair"}) {
            auto id = store->create_conversation({.title = title});
            ASSERT_TRUE(id);
            ids_.push_back(*id);
        }
    }

    // Opens the history and waits for its first list.
    void open(ConversationHistory& history) {
        QSignalSpy listed(history.conversations(), &QAbstractItemModel::modelReset);
        history.open(path_);
        ASSERT_TRUE(listed.wait(5000));
        ASSERT_EQ(history.conversations()->rowCount(), 2);
    }

    std::vector<std::string> stored_titles() {
        auto store = Store::open(path_.toStdString());
        std::vector<std::string> titles;
        const auto conversations = store->list_conversations();
        for (const auto& c : *conversations)
            titles.push_back(c.title);
        return titles;
    }

    QTemporaryDir dir_;
    QString path_;
    std::vector<qint64> ids_;
};

TEST_F(ConversationHistoryTest, RenameAndPinReachTheDatabase) {
    ConversationHistory history;
    open(history);
    QSignalSpy listed(history.conversations(), &QAbstractItemModel::modelReset);
    history.rename(ids_[0], "  Fruit  ");
    history.setPinned(ids_[0], true);
    while (listed.size() < 2)
        ASSERT_TRUE(listed.wait(5000));
    const QVariantMap first = history.conversations()->get(0);
    EXPECT_EQ(first.value("title"), "Fruit");
    EXPECT_EQ(first.value("pinned"), true);
    EXPECT_EQ(first.value("section"), "Pinned");
    EXPECT_EQ(stored_titles(), (std::vector<std::string>{"Fruit", "Bicycle repair"}));
}

TEST_F(ConversationHistoryTest, UndoBringsBackADeletedConversationBeforeItIsRemoved) {
    ConversationHistory history;
    history.setProperty("undoMilliseconds", 100);
    open(history);
    history.remove(ids_[1]);
    EXPECT_EQ(history.conversations()->rowCount(), 1);
    EXPECT_EQ(history.pendingDeletion().value("title"), "Bicycle repair");
    history.undoRemove();
    EXPECT_TRUE(history.pendingDeletion().isEmpty());
    EXPECT_EQ(history.conversations()->rowCount(), 2);
    QTest::qWait(300);
    EXPECT_EQ(stored_titles().size(), 2u);
}

TEST_F(ConversationHistoryTest, ADeletionIsCarriedOutWhenItsUndoExpires) {
    ConversationHistory history;
    history.setProperty("undoMilliseconds", 100);
    open(history);
    history.remove(ids_[1]);
    EXPECT_EQ(stored_titles().size(), 2u) << "still in the database while Undo is offered";
    QSignalSpy pending(&history, &ConversationHistory::pendingDeletionChanged);
    ASSERT_TRUE(pending.wait(5000));
    EXPECT_TRUE(history.pendingDeletion().isEmpty());
    QSignalSpy listed(history.conversations(), &QAbstractItemModel::modelReset);
    ASSERT_TRUE(listed.wait(5000));
    EXPECT_EQ(history.conversations()->rowCount(), 1);
    EXPECT_EQ(stored_titles(), (std::vector<std::string>{"Apples and pears"}));
}

TEST_F(ConversationHistoryTest, ClosingTheAppCarriesOutPendingDeletions) {
    {
        ConversationHistory history;
        open(history);
        history.remove(ids_[0]);
    }
    EXPECT_EQ(stored_titles(), (std::vector<std::string>{"Bicycle repair"}));
}

TEST_F(ConversationHistoryTest, SearchFindsTitlesWithTheMatchInBoldAndEscaped) {
    {
        auto store = Store::open(path_.toStdString());
        ASSERT_TRUE(store->rename(ids_[1], "Bicycle <b>repair</b> & tyres"));
    }
    ConversationHistory history;
    open(history);
    QSignalSpy found(&history, &ConversationHistory::searchResultsChanged);
    history.search("repair");
    ASSERT_TRUE(found.wait(5000));
    ASSERT_EQ(history.searchResults().size(), 1);
    const QVariantMap hit = history.searchResults()[0].toMap();
    EXPECT_EQ(hit.value("conversationId").toLongLong(), ids_[1]);
    EXPECT_EQ(hit.value("snippet"), "Bicycle &lt;b&gt;<b>repair</b>&lt;/b&gt; &amp; tyres");
    history.search("  ");
    EXPECT_TRUE(history.searchResults().isEmpty());
}

TEST_F(ConversationHistoryTest, SearchLeavesOutConversationsWaitingToBeDeleted) {
    ConversationHistory history;
    history.setProperty("undoMilliseconds", 60000);
    open(history);
    QSignalSpy found(&history, &ConversationHistory::searchResultsChanged);
    history.search("air");
    ASSERT_TRUE(found.wait(5000));
    ASSERT_EQ(history.searchResults().size(), 1); // "Bicycle repair"
    history.remove(ids_[1]);
    EXPECT_TRUE(history.searchResults().isEmpty());
    history.undoRemove();
    EXPECT_EQ(history.searchResults().size(), 1);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
