// hearth-bench's --vulkan-tuning and --cuda-tuning texts, read into the tunings the backends take.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "hearth/model.h"

namespace {

TEST(VulkanTuningOption, ReadsAnyOfTheItemsInAnyOrder) {
    auto tuning = hearth::parse_vulkan_tuning("invocations=64,expert_rows=4");
    ASSERT_TRUE(tuning.has_value()) << tuning.error().message;
    EXPECT_EQ(tuning->expert_rows, 4u);
    EXPECT_EQ(tuning->project_rows, 0u); // left to the backend
    EXPECT_EQ(tuning->invocations, 64u);
    EXPECT_FALSE(tuning->wide_units.has_value()); // unset: the backend's choice
    EXPECT_EQ(tuning->expert_invocations, 0u);
    EXPECT_EQ(tuning->down_rows, 0u);
    tuning = hearth::parse_vulkan_tuning(
        "project_rows=8,wide_units=1,expert_invocations=32,batch_tokens=256,down_rows=3");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_EQ(tuning->expert_invocations, 32u);
    EXPECT_EQ(tuning->project_rows, 8u);
    EXPECT_EQ(tuning->batch_tokens, 256u);
    EXPECT_EQ(tuning->down_rows, 3u);
    EXPECT_EQ(tuning->wide_units, true);
    EXPECT_FALSE(tuning->int_dot.has_value()); // unset: off
    tuning = hearth::parse_vulkan_tuning("wide_units=1,wide_units=0,separate_norms=1,int_dot=0");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_EQ(tuning->wide_units, false);
    EXPECT_TRUE(tuning->separate_norms);
    EXPECT_EQ(tuning->int_dot, false);
    EXPECT_FALSE(tuning->batch_int_dot.has_value());
    EXPECT_FALSE(tuning->fp4_bits);
    tuning = hearth::parse_vulkan_tuning("int_dot=1,batch_int_dot=0,fp4_bits=1");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_EQ(tuning->int_dot, true);
    EXPECT_EQ(tuning->batch_int_dot, false);
    EXPECT_TRUE(tuning->fp4_bits);
    tuning = hearth::parse_vulkan_tuning("");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_EQ(tuning->expert_rows + tuning->down_rows + tuning->project_rows + tuning->invocations +
                  tuning->expert_invocations + tuning->batch_tokens,
              0u);
    EXPECT_FALSE(tuning->wide_units.has_value());
    EXPECT_FALSE(tuning->separate_norms);
}

TEST(VulkanTuningOption, MalformedItemsAreErrorsNamingTheItem) {
    const std::pair<const char*, const char*> cases[] = {
        {"rows=4", "'rows=4'"},
        {"expert_rows", "'expert_rows'"},
        {"expert_rows=", "'expert_rows='"},
        {"expert_rows=4x", "'expert_rows=4x'"},
        {"expert_rows=-1", "'expert_rows=-1'"},
        {"expert_rows=0", "'expert_rows=0'"},
        {"wide_units=2", "'wide_units=2'"},
        {"wide_units", "'wide_units'"},
        {"separate_norms=yes", "'separate_norms=yes'"},
        {"fp4_bits=on", "'fp4_bits=on'"},
        {"int_dot=2", "'int_dot=2'"},
        {"int_dot", "'int_dot'"},
        {"batch_int_dot=yes", "'batch_int_dot=yes'"},
        {"invocations=64,x", "'x'"}};
    for (const auto& [text, item] : cases) {
        SCOPED_TRACE(text);
        auto tuning = hearth::parse_vulkan_tuning(text);
        ASSERT_FALSE(tuning.has_value());
        EXPECT_NE(tuning.error().message.find("tuning item " + std::string(item)),
                  std::string::npos)
            << tuning.error().message;
    }
}

TEST(CudaTuningOption, ReadsIntDotAndRefusesAnythingElse) {
    auto tuning = hearth::parse_cuda_tuning("");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_FALSE(tuning->int_dot);
    tuning = hearth::parse_cuda_tuning("int_dot=1");
    ASSERT_TRUE(tuning.has_value()) << tuning.error().message;
    EXPECT_TRUE(tuning->int_dot);
    tuning = hearth::parse_cuda_tuning("int_dot=1,int_dot=0");
    ASSERT_TRUE(tuning.has_value());
    EXPECT_FALSE(tuning->int_dot);
    const std::pair<const char*, const char*> cases[] = {{"int_dot=2", "'int_dot=2'"},
                                                         {"int_dot", "'int_dot'"},
                                                         {"expert_rows=4", "'expert_rows=4'"},
                                                         {"int_dot=1,x", "'x'"}};
    for (const auto& [text, item] : cases) {
        SCOPED_TRACE(text);
        tuning = hearth::parse_cuda_tuning(text);
        ASSERT_FALSE(tuning.has_value());
        EXPECT_NE(tuning.error().message.find("tuning item " + std::string(item)),
                  std::string::npos)
            << tuning.error().message;
        EXPECT_NE(tuning.error().message.find("int_dot=0|1"), std::string::npos);
    }
}

} // namespace
