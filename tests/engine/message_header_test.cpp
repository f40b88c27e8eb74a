#include <gtest/gtest.h>

#include "harmony/message_header.h"

namespace {

using namespace hearth::harmony;

TEST(MessageHeader, ReadsRoleRecipientChannelAndConstrainedType) {
    const MessageHeader header = parse_message_header(
        "assistant to=functions.get_weather<|channel|>commentary <|constrain|>json", "");
    EXPECT_EQ(header.role, "assistant");
    EXPECT_EQ(header.recipient, "functions.get_weather");
    EXPECT_EQ(header.channel, Channel::commentary);
    EXPECT_EQ(header.channel_name, "commentary");
    EXPECT_EQ(header.content_type, "json");
}

TEST(MessageHeader, ReadsTheTemplatesPlainContentTypeAndARecipientAfterTheChannel) {
    const MessageHeader header =
        parse_message_header("<|channel|>commentary to=functions.f json", "assistant");
    EXPECT_EQ(header.role, "assistant");
    EXPECT_EQ(header.recipient, "functions.f");
    EXPECT_EQ(header.content_type, "json");
}

TEST(MessageHeader, ToolAuthorsAndMissingRolesAreKept) {
    EXPECT_EQ(parse_message_header("functions.f to=assistant<|channel|>commentary", "").role,
              "functions.f");
    EXPECT_EQ(parse_message_header("<|channel|>final", "").role, "assistant");
    EXPECT_EQ(parse_message_header("<|channel|>final", "").channel, Channel::final);
}

TEST(MessageHeader, RecoveryKeepsEverythingAfterTheNamedFieldsAsText) {
    const RecoveredHeader recovered = recover_message_header("assistant Hello there", "");
    EXPECT_EQ(recovered.header.role, "assistant");
    EXPECT_EQ(recovered.header.channel, Channel::unknown);
    EXPECT_EQ(recovered.content, "Hello there");

    const RecoveredHeader with_channel = recover_message_header("<|channel|>final 42", "assistant");
    EXPECT_EQ(with_channel.header.channel, Channel::final);
    EXPECT_EQ(with_channel.content, "42");

    EXPECT_EQ(recover_message_header("assistants rule", "").content, "assistants rule");
}

TEST(MessageHeader, TellsHeaderStructureFromPlainText) {
    EXPECT_TRUE(looks_like_header("<|channel|>analysis"));
    EXPECT_TRUE(looks_like_header(" to=functions.f"));
    EXPECT_FALSE(looks_like_header("Hello there"));
}

} // namespace
