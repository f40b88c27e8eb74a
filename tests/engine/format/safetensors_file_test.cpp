#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "format/safetensors_file.h"
#include "safetensors_builder.h"

namespace {

using hearth::format::SafetensorsFile;
using hearth::format::SafetensorsModel;
using hearth::format::TensorType;
using hearth::test::safetensors_bytes;
using hearth::test::SafetensorsBuilder;

std::vector<std::byte> zeros(std::size_t n) { return std::vector<std::byte>(n); }

std::string error_of(const std::vector<std::byte>& bytes) {
    auto file = SafetensorsFile::parse(bytes, "shard.safetensors");
    return file ? std::string("(parsed)") : file.error().message;
}

TEST(SafetensorsFile, ParsesTensorsWithShapesInContiguousFirstOrder) {
    SafetensorsBuilder b;
    b.add_metadata("format", "pt");
    b.add("w", "BF16", {3, 2}, zeros(12));
    b.add("blocks", "U8", {2, 3, 1, 16}, zeros(96));
    auto file = SafetensorsFile::parse(b.build(), "shard.safetensors");
    ASSERT_TRUE(file.has_value()) << file.error().message;
    ASSERT_EQ(file->tensors().size(), 2u);
    EXPECT_EQ(file->metadata().at("format"), "pt");
    for (const auto& t : file->tensors()) {
        if (t.name == "w") {
            EXPECT_EQ(t.type, TensorType::bf16);
            EXPECT_EQ(t.shape, (std::vector<std::uint64_t>{2, 3}));
            EXPECT_EQ(t.data.size(), 12u);
        } else {
            EXPECT_EQ(t.type, TensorType::u8);
            EXPECT_EQ(t.shape, (std::vector<std::uint64_t>{16, 1, 3, 2}));
        }
    }
}

struct Case {
    const char* name;
    std::string header;
    std::size_t data_bytes;
    const char* expected;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

class SafetensorsCorruption : public testing::TestWithParam<Case> {};

TEST_P(SafetensorsCorruption, GivesAClearError) {
    const std::string error =
        error_of(safetensors_bytes(GetParam().header, zeros(GetParam().data_bytes)));
    EXPECT_NE(error.find(GetParam().expected), std::string::npos) << error;
    EXPECT_EQ(error.rfind("shard.safetensors: ", 0), 0u) << error;
}

INSTANTIATE_TEST_SUITE_P(
    Headers, SafetensorsCorruption,
    testing::Values(
        Case{"NotJson", "{not json", 0, "header is not a JSON object"},
        Case{"NotAnObject", "[1,2]", 0, "header is not a JSON object"},
        Case{"UnsupportedDtype", R"({"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", 8,
             "tensor w has tensor dtype I64 is not supported"},
        Case{"MissingDtype", R"({"w":{"shape":[1],"data_offsets":[0,4]}})", 4,
             "tensor w has no dtype"},
        Case{"SizeDisagreesWithShape", R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})",
             8, "data_offsets that do not match its shape and dtype"},
        Case{"BeginAfterEnd", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", 8,
             "data_offsets that do not match"},
        Case{"NegativeOffset", R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}})", 8,
             "no valid data_offsets"},
        Case{"PastTheEnd", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8,
             "ends past the end of the file"},
        Case{
            "Overlapping",
            R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
            12, "overlap"},
        Case{
            "HugeShape",
            R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}})",
            4, "impossible shape"},
        Case{"EmptyTensor", R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}})", 0,
             "is empty"}),
    [](const testing::TestParamInfo<Case>& param) { return param.param.name; });

TEST(SafetensorsFile, HeaderLongerThanTheFileIsTruncation) {
    auto bytes = safetensors_bytes("{}", zeros(0));
    bytes[0] = std::byte{200};
    EXPECT_EQ(error_of(bytes), "shard.safetensors: the file is truncated (header)");
    EXPECT_EQ(error_of(zeros(5)), "shard.safetensors: the file is truncated (no header)");
}

class SafetensorsFolder : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("hearth-st-" + std::to_string(::getpid()) + "-" +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
    }
    std::filesystem::path dir_;
};

TEST_F(SafetensorsFolder, ShardNamesThatArePathsAreRefused) {
    write("model.safetensors.index.json", R"({"weight_map":{"w":"../../etc/passwd"}})");
    auto model = SafetensorsModel::open(dir_);
    ASSERT_FALSE(model.has_value());
    EXPECT_NE(model.error().message.find("invalid shard name for w"), std::string::npos);
}

TEST_F(SafetensorsFolder, ATensorInTwoShardsIsRefused) {
    SafetensorsBuilder b;
    b.add("w", "F32", {1}, zeros(4));
    ASSERT_TRUE(b.write((dir_ / "a.safetensors").string()));
    ASSERT_TRUE(b.write((dir_ / "b.safetensors").string()));
    write("model.safetensors.index.json",
          R"({"weight_map":{"w":"a.safetensors","x":"b.safetensors"}})");
    auto model = SafetensorsModel::open(dir_);
    ASSERT_FALSE(model.has_value());
    EXPECT_NE(model.error().message.find("tensor w appears in more than one shard"),
              std::string::npos);
}

TEST_F(SafetensorsFolder, AMissingShardIsNamed) {
    write("model.safetensors.index.json", R"({"weight_map":{"w":"gone.safetensors"}})");
    auto model = SafetensorsModel::open(dir_);
    ASSERT_FALSE(model.has_value());
    EXPECT_NE(model.error().message.find("gone.safetensors"), std::string::npos);
}

TEST_F(SafetensorsFolder, AFolderWithoutWeightsSaysSo) {
    auto model = SafetensorsModel::open(dir_);
    ASSERT_FALSE(model.has_value());
    EXPECT_NE(model.error().message.find("no model.safetensors"), std::string::npos);
}

} // namespace
