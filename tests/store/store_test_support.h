// Shared by the store tests: a fresh temporary folder per test.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>

#include "conversation_store.h"

namespace hearth::store::testing_support {

class TempDirTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("hearth-store-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
                info->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path db_path() const { return dir_ / "history.db"; }

    ConversationStore open_store() {
        auto store = ConversationStore::open(db_path());
        if (!store) ADD_FAILURE() << store.error().message << " (" << store.error().detail << ")";
        return std::move(store.value());
    }

    std::filesystem::path dir_;
};

inline MessageContent text_message(harmony::Role role, std::string content,
                                   std::string thinking = {}) {
    MessageContent m;
    m.role = role;
    m.content = std::move(content);
    m.thinking = std::move(thinking);
    return m;
}

} // namespace hearth::store::testing_support
