// Model discovery on a fake home folder laid out like LM Studio, GPT4All, the Hugging Face cache
// and ~/Downloads, filled with the tiny fixture models (links, copies, broken files).
#include <gtest/gtest.h>

#include <QDir>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>

#include "ModelDiscovery.h"

namespace {

namespace fs = std::filesystem;

const fs::path tiny = fs::path(HEARTH_TINY_MODEL_DIR);
constexpr std::uint64_t gib = 1ull << 30;

void link(const fs::path& target, const fs::path& at) {
    fs::create_directories(at.parent_path());
    fs::create_symlink(target, at);
}

void write(const fs::path& at, const std::string& text) {
    fs::create_directories(at.parent_path());
    std::ofstream(at, std::ios::binary) << text;
}

class ModelDiscovery : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(temp_.isValid());
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HF_HOME");
        home_ = fs::path(temp_.path().toStdString()) / "home";
        const fs::path h = home_;
        link(tiny / "tiny-gpt-oss.gguf",
             h / ".lmstudio/models/lmstudio-community/gpt-oss-20b-GGUF/gpt-oss-20b-MXFP4.gguf");
        // The same file again through another link: listed once.
        link(tiny / "tiny-gpt-oss.gguf", h / ".cache/lm-studio/models/a/b/same-file.gguf");
        link(tiny / "tiny-gpt-oss-fused.gguf", h / ".local/share/nomic.ai/GPT4All/gpt-oss.gguf");
        // The Hugging Face cache: snapshot files are links into blobs.
        const auto snapshot =
            h / ".cache/huggingface/hub/models--openai--gpt-oss-20b/snapshots/0a1b2c";
        for (const auto& entry : fs::directory_iterator(tiny / "tiny-gpt-oss-hf"))
            link(entry.path(), snapshot / entry.path().filename());
        fs::create_directories(h / "Downloads");
        fs::copy_file(tiny / "tiny-gpt-oss.gguf", h / "Downloads/my-copy.gguf");
        // An interrupted download named like gpt-oss: listed, with its problem.
        std::ifstream whole(tiny / "tiny-gpt-oss.gguf", std::ios::binary);
        std::string head(4096, '\0');
        whole.read(head.data(), static_cast<std::streamsize>(head.size()));
        write(h / "Downloads/gpt-oss-20b-mxfp4.gguf", head);
        // A checkpoint folder without its tokenizer: listed, with its problem.
        for (const auto& entry : fs::directory_iterator(tiny / "tiny-gpt-oss-hf")) {
            if (entry.path().filename() != "tokenizer.json")
                link(entry.path(), h / "Downloads/gpt-oss-no-tokenizer" / entry.path().filename());
        }
        // Not gpt-oss at all: skipped without a word.
        write(h / "Downloads/notes.gguf", "not a model");
        write(h / "Downloads/llama/config.json", R"({"model_type": "llama"})");
        // Deeper than ~/Downloads is searched (2 levels).
        link(tiny / "tiny-gpt-oss-fused.gguf", h / "Downloads/a/b/c/too-deep.gguf");
        // A folder the user added, outside the home folder.
        added_ = fs::path(temp_.path().toStdString()) / "models";
        for (const auto& entry : fs::directory_iterator(tiny / "tiny-gpt-oss-hf"))
            link(entry.path(), added_ / "nested/gpt-oss-hf" / entry.path().filename());
    }

    QList<DiscoveredModel> discover(std::uint64_t memory = 16 * gib) {
        const auto roots = standardSearchRoots(QString::fromStdString(home_.string()),
                                               {QString::fromStdString(added_.string())});
        return discoverModels(roots, memory);
    }

    static const DiscoveredModel* byName(const QList<DiscoveredModel>& models, const char* name) {
        for (const auto& m : models) {
            if (m.name == QLatin1String(name)) return &m;
        }
        return nullptr;
    }

    QTemporaryDir temp_;
    fs::path home_, added_;
};

TEST_F(ModelDiscovery, SearchesOnlyTheStandardPlacesThatExist) {
    const auto roots = standardSearchRoots(QString::fromStdString(home_.string()), {});
    QStringList sources;
    for (const auto& r : roots)
        sources << r.source;
    EXPECT_EQ(sources, (QStringList{"LM Studio", "LM Studio", "GPT4All", "Hugging Face cache",
                                    "Downloads"}));
    fs::remove_all(home_ / ".cache");
    EXPECT_EQ(standardSearchRoots(QString::fromStdString(home_.string()), {}).size(), 3);
}

TEST_F(ModelDiscovery, TheHuggingFaceCacheFollowsHfHome) {
    const auto elsewhere = fs::path(temp_.path().toStdString()) / "hf";
    fs::rename(home_ / ".cache/huggingface", elsewhere);
    qputenv("HF_HOME", QByteArray::fromStdString(elsewhere.string()));
    const auto models = discover();
    qunsetenv("HF_HOME");
    ASSERT_NE(byName(models, "openai/gpt-oss-20b"), nullptr);
    EXPECT_TRUE(byName(models, "openai/gpt-oss-20b")
                    ->path.startsWith(QString::fromStdString(elsewhere.string())));
}

TEST_F(ModelDiscovery, FindsEachModelOnceWithItsSource) {
    const auto models = discover();
    QStringList names;
    for (const auto& m : models)
        names << m.source + ": " + m.name;
    EXPECT_EQ(names, (QStringList{"LM Studio: gpt-oss-20b-MXFP4.gguf", "GPT4All: gpt-oss.gguf",
                                  "Hugging Face cache: openai/gpt-oss-20b",
                                  "Downloads: gpt-oss-20b-mxfp4.gguf", "Downloads: my-copy.gguf",
                                  "Downloads: gpt-oss-no-tokenizer", "Added folder: gpt-oss-hf"}));
}

TEST_F(ModelDiscovery, ValidModelsCarryFormatSizeAndAFitLine) {
    const auto models = discover();
    const auto* lmstudio = byName(models, "gpt-oss-20b-MXFP4.gguf");
    ASSERT_NE(lmstudio, nullptr);
    EXPECT_TRUE(lmstudio->valid);
    EXPECT_EQ(lmstudio->format, "GGUF");
    EXPECT_EQ(lmstudio->fileBytes, static_cast<qint64>(fs::file_size(tiny / "tiny-gpt-oss.gguf")));
    EXPECT_TRUE(lmstudio->fits);
    EXPECT_TRUE(lmstudio->fitText.startsWith("Fits: needs ")) << lmstudio->fitText.toStdString();
    EXPECT_TRUE(lmstudio->fitText.contains("of 16.00 GiB")) << lmstudio->fitText.toStdString();

    const auto* hf = byName(models, "openai/gpt-oss-20b");
    ASSERT_NE(hf, nullptr);
    EXPECT_TRUE(hf->valid);
    EXPECT_EQ(hf->format, "Hugging Face folder");
    EXPECT_TRUE(hf->path.endsWith("snapshots/0a1b2c"));
    EXPECT_GT(hf->fileBytes, 50'000'000);
}

TEST_F(ModelDiscovery, ABrokenGptOssFileIsListedWithItsProblem) {
    const auto models = discover();
    const auto* broken = byName(models, "gpt-oss-20b-mxfp4.gguf");
    ASSERT_NE(broken, nullptr);
    EXPECT_FALSE(broken->valid);
    EXPECT_FALSE(broken->problem.isEmpty());
    EXPECT_TRUE(broken->fitText.isEmpty());
    const auto* folder = byName(models, "gpt-oss-no-tokenizer");
    ASSERT_NE(folder, nullptr);
    EXPECT_FALSE(folder->valid);
    EXPECT_TRUE(folder->problem.endsWith("has no tokenizer.json"));
}

TEST_F(ModelDiscovery, TooLittleMemoryGivesADoesNotFitLine) {
    const auto model = describeModel(QString::fromStdString((tiny / "tiny-gpt-oss.gguf").string()),
                                     QStringLiteral("Opened"), 64ull << 20);
    EXPECT_TRUE(model.valid);
    EXPECT_FALSE(model.fits);
    EXPECT_TRUE(model.fitText.startsWith("Does not fit: needs ")) << model.fitText.toStdString();
    EXPECT_TRUE(model.fitText.contains("this computer has 64.0 MiB"));
    EXPECT_FALSE(model.fitAdvice.isEmpty());
}

TEST(ModelDiscoveryEmpty, AnEmptyHomeFindsNothing) {
    QTemporaryDir empty;
    EXPECT_TRUE(standardSearchRoots(empty.path(), {}).isEmpty());
    EXPECT_TRUE(discoverModels({}, 16ull << 30).isEmpty());
}

} // namespace
