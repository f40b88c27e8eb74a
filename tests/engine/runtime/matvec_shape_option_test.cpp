// hearth-bench's --vulkan-matvec text, read into the shape the Vulkan backend takes.
#include <gtest/gtest.h>

#include "hearth/model.h"

namespace {

TEST(VulkanMatVecShapeOption, ReadsAnyOfTheItemsInAnyOrder) {
    auto shape = hearth::parse_vulkan_matvec_shape("invocations=64,expert_rows=4");
    ASSERT_TRUE(shape.has_value()) << shape.error().message;
    EXPECT_EQ(shape->expert_rows, 4u);
    EXPECT_EQ(shape->project_rows, 0u); // left to the backend
    EXPECT_EQ(shape->invocations, 64u);
    shape = hearth::parse_vulkan_matvec_shape("project_rows=8");
    ASSERT_TRUE(shape.has_value());
    EXPECT_EQ(shape->project_rows, 8u);
    shape = hearth::parse_vulkan_matvec_shape("");
    ASSERT_TRUE(shape.has_value());
    EXPECT_EQ(shape->expert_rows + shape->project_rows + shape->invocations, 0u);
}

TEST(VulkanMatVecShapeOption, MalformedItemsAreErrorsNamingTheItem) {
    for (const char* text : {"rows=4", "expert_rows", "expert_rows=", "expert_rows=4x",
                             "expert_rows=-1", "expert_rows=0", "invocations=64,x"}) {
        SCOPED_TRACE(text);
        auto shape = hearth::parse_vulkan_matvec_shape(text);
        ASSERT_FALSE(shape.has_value());
        EXPECT_NE(shape.error().message.find("matvec shape item"), std::string::npos);
    }
}

} // namespace
