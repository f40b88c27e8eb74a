#include <gtest/gtest.h>

#include <cstring>

#include "byte_writer.h"
#include "format/gguf_file.h"
#include "gguf_builder.h"

namespace {

using hearth::format::GgufFile;
using hearth::format::TensorType;
using hearth::test::GgufBuilder;

constexpr std::uint32_t f32 = 0, q8_0 = 8, mxfp4 = 39;

std::vector<std::byte> bytes_of(std::size_t n, std::uint8_t fill) {
    return std::vector<std::byte>(n, std::byte{fill});
}

// A small valid file: two metadata keys, an array, and two tensors.
GgufBuilder valid_builder() {
    GgufBuilder g;
    g.add_string("general.architecture", "gpt-oss");
    g.add_u32("answer", 42);
    g.add_string_array("names", {"a", "bc", ""});
    g.add_tensor("first", f32, {4, 2}, bytes_of(32, 1));
    g.add_tensor("second", q8_0, {32}, bytes_of(34, 2));
    return g;
}

std::string error_of(const std::vector<std::byte>& bytes) {
    auto file = GgufFile::parse(bytes, "test.gguf");
    return file ? std::string("(parsed)") : file.error().message;
}

void patch_u64(std::vector<std::byte>& bytes, std::size_t at, std::uint64_t value) {
    std::memcpy(bytes.data() + at, &value, 8);
}

TEST(GgufFile, ParsesMetadataArraysAndTensors) {
    const auto bytes = valid_builder().build();
    auto file = GgufFile::parse(bytes, "test.gguf");
    ASSERT_TRUE(file.has_value()) << file.error().message;
    EXPECT_EQ(file->version(), 3u);
    EXPECT_EQ(file->get_string("general.architecture").value(), "gpt-oss");
    EXPECT_EQ(file->get_uint("answer").value(), 42u);
    EXPECT_EQ(file->get_string_array("names").value(),
              (std::vector<std::string_view>{"a", "bc", ""}));
    ASSERT_EQ(file->tensors().size(), 2u);
    const auto* first = file->find_tensor("first");
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(first->type, TensorType::f32);
    EXPECT_EQ(first->shape, (std::vector<std::uint64_t>{4, 2}));
    EXPECT_EQ(first->data.size(), 32u);
    EXPECT_EQ(first->data[0], std::byte{1});
    const auto* second = file->find_tensor("second");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->data.size(), 34u);
    EXPECT_EQ(second->data[33], std::byte{2});
    // Tensor data starts on the (default 32-byte) alignment.
    EXPECT_EQ((first->data.data() - bytes.data()) % 32, 0);
}

TEST(GgufFile, MissingOrMistypedKeysAreNamedInTheError) {
    const auto bytes = valid_builder().build();
    auto file = GgufFile::parse(bytes, "test.gguf");
    ASSERT_TRUE(file.has_value());
    EXPECT_EQ(file->get_uint("nope").error().message, "test.gguf: metadata nope is missing");
    EXPECT_EQ(file->get_uint("general.architecture").error().message,
              "test.gguf: metadata general.architecture is not a non-negative integer");
}

TEST(GgufFile, EveryTruncationIsAnErrorNeverACrash) {
    const auto bytes = valid_builder().build();
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        const std::vector<std::byte> cut(bytes.begin(), bytes.begin() + static_cast<long>(size));
        const std::string error = error_of(cut);
        SCOPED_TRACE("truncated to " + std::to_string(size) + " bytes: " + error);
        EXPECT_EQ(error.rfind("test.gguf: ", 0), 0u);
        EXPECT_TRUE(error.find("truncated") != std::string::npos ||
                    error.find("bad magic") != std::string::npos);
    }
}

struct Corruption {
    const char* name;
    std::function<std::vector<std::byte>()> make;
    const char* expected; // a part of the one-line error
};

void PrintTo(const Corruption& c, std::ostream* out) { *out << c.name; }

class GgufCorruption : public testing::TestWithParam<Corruption> {};

TEST_P(GgufCorruption, GivesAClearError) {
    const std::string error = error_of(GetParam().make());
    EXPECT_NE(error.find(GetParam().expected), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << "errors are one line";
}

std::vector<std::byte> with_version(std::uint32_t version) {
    auto bytes = valid_builder().build();
    std::memcpy(bytes.data() + 4, &version, 4);
    return bytes;
}

INSTANTIATE_TEST_SUITE_P(
    Files, GgufCorruption,
    testing::Values(
        Corruption{"BadMagic",
                   [] {
                       auto b = valid_builder().build();
                       b[0] = std::byte{'X'};
                       return b;
                   },
                   "not a GGUF file (bad magic)"},
        Corruption{"VersionOne", [] { return with_version(1); }, "GGUF version 1 is not supported"},
        Corruption{"BigEndian", [] { return with_version(0x03000000); },
                   "big-endian GGUF files are not supported"},
        Corruption{"FutureVersion", [] { return with_version(4); }, "unknown GGUF version 4"},
        Corruption{"HugeTensorCount",
                   [] {
                       auto b = valid_builder().build();
                       patch_u64(b, 8, 1ull << 60);
                       return b;
                   },
                   "tensor count 1152921504606846976 does not fit in the file"},
        Corruption{"HugeMetadataCount",
                   [] {
                       auto b = valid_builder().build();
                       patch_u64(b, 16, ~0ull);
                       return b;
                   },
                   "metadata count 18446744073709551615 does not fit in the file"},
        Corruption{"HugeStringLength",
                   [] {
                       auto b = valid_builder().build();
                       patch_u64(b, 24, 1ull << 62); // length of the first key
                       return b;
                   },
                   "truncated"},
        Corruption{"UnsupportedTensorType",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", 12, {256}, bytes_of(144, 0));
                       return g.build();
                   },
                   "tensor w: tensor type Q4_K is not supported"},
        Corruption{"UnknownTensorType",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", 1000, {32}, bytes_of(32, 0));
                       return g.build();
                   },
                   "tensor type unknown type 1000 is not supported"},
        Corruption{"TooManyDimensions",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", f32, {1, 1, 1, 1, 1}, bytes_of(4, 0));
                       return g.build();
                   },
                   "tensor w has 5 dimensions"},
        Corruption{"ZeroExtent",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", f32, {4, 0}, {});
                       return g.build();
                   },
                   "tensor w has an impossible shape"},
        Corruption{"ElementCountOverflow",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", f32, {1ull << 40, 1ull << 40}, bytes_of(4, 0));
                       return g.build();
                   },
                   "tensor w has an impossible shape"},
        Corruption{"RowNotWholeBlocks",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", mxfp4, {48}, bytes_of(34, 0));
                       return g.build();
                   },
                   "rows are not a whole number of MXFP4 blocks"},
        Corruption{"Misaligned",
                   [] {
                       auto g = valid_builder();
                       g.override_offset(1, 36);
                       return g.build();
                   },
                   "tensor second is misaligned"},
        Corruption{"Overlapping",
                   [] {
                       auto g = valid_builder();
                       g.override_offset(1, 0);
                       return g.build();
                   },
                   "overlap"},
        Corruption{"TensorPastTheEnd",
                   [] {
                       auto g = valid_builder();
                       g.override_offset(1, 1u << 20);
                       auto b = g.build();
                       b.resize(b.size() - 1);
                       return b;
                   },
                   "tensor second ends past the end"},
        Corruption{"DuplicateTensor",
                   [] {
                       GgufBuilder g;
                       g.add_tensor("w", f32, {1}, bytes_of(4, 0));
                       g.add_tensor("w", f32, {1}, bytes_of(4, 0));
                       return g.build();
                   },
                   "duplicate tensor name w"},
        Corruption{"DuplicateKey",
                   [] {
                       GgufBuilder g;
                       g.add_u32("k", 1);
                       g.add_u32("k", 2);
                       return g.build();
                   },
                   "duplicate metadata key k"},
        Corruption{"BadAlignment",
                   [] {
                       auto g = valid_builder();
                       g.add_u32("general.alignment", 24);
                       return g.build();
                   },
                   "general.alignment 24 is not a power of two"},
        Corruption{"UnknownValueType",
                   [] {
                       GgufBuilder g;
                       g.add_raw("k", 13, bytes_of(8, 0));
                       return g.build();
                   },
                   "unknown metadata type 13 for k"},
        Corruption{"InvalidBool",
                   [] {
                       GgufBuilder g;
                       g.add_raw("flag", 7, {std::byte{2}});
                       return g.build();
                   },
                   "metadata flag is not a valid bool"},
        Corruption{"ArraysNestedTooDeeply",
                   [] {
                       // array<array<array<array<array<u8>>>>>, one element at each level
                       std::vector<std::byte> value;
                       for (int depth = 0; depth < 5; ++depth) {
                           hearth::test::append<std::uint32_t>(value, 9);
                           hearth::test::append<std::uint64_t>(value, 1);
                       }
                       hearth::test::append<std::uint32_t>(value, 0);
                       hearth::test::append<std::uint64_t>(value, 1);
                       value.push_back(std::byte{0});
                       GgufBuilder g;
                       g.add_raw("deep", 9, value);
                       return g.build();
                   },
                   "nested too deeply"},
        Corruption{"HugeArray",
                   [] {
                       std::vector<std::byte> value;
                       hearth::test::append<std::uint32_t>(value, 10); // u64 elements
                       hearth::test::append<std::uint64_t>(value, 1ull << 61);
                       GgufBuilder g;
                       g.add_raw("big", 9, value);
                       return g.build();
                   },
                   "truncated"}),
    [](const testing::TestParamInfo<Corruption>& param) { return param.param.name; });

TEST(GgufFile, OpeningAMissingFileNamesIt) {
    auto file = GgufFile::open("/nonexistent/model.gguf");
    ASSERT_FALSE(file.has_value());
    EXPECT_EQ(file.error().message, "Cannot open /nonexistent/model.gguf");
}

} // namespace
