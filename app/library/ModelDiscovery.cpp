#include "ModelDiscovery.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace {

QString fromStd(const std::string& text) { return QString::fromStdString(text); }

bool namedLikeGptOss(const QString& name) {
    return name.contains(QLatin1String("gpt-oss"), Qt::CaseInsensitive) ||
           name.contains(QLatin1String("gpt_oss"), Qt::CaseInsensitive);
}

void addFit(DiscoveredModel& model, const hearth::FitReport& fit) {
    model.fits = fit.fits;
    model.context = fit.context;
    model.fitText = fitLine(fit);
    model.fitAdvice = fromStd(fit.advice);
}

class Walker {
  public:
    explicit Walker(std::uint64_t memoryBytes) : memory_(memoryBytes) {}

    void walk(const QString& folder, const QString& source, int depth) {
        QDir dir(folder);
        if (!dir.exists()) return;
        const auto files = dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files,
                                             QDir::Name | QDir::IgnoreCase);
        for (const QFileInfo& file : files)
            consider(file.absoluteFilePath(), source, namedLikeGptOss(file.fileName()));
        if (depth <= 0) return;
        const auto folders = dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QFileInfo& sub : folders) {
            const QDir subDir(sub.absoluteFilePath());
            if (subDir.exists(QStringLiteral("config.json"))) {
                if (isGptOssFolder(subDir)) consider(sub.absoluteFilePath(), source, true);
                continue; // some other model's folder
            }
            walk(sub.absoluteFilePath(), source, depth - 1);
        }
    }

    QList<DiscoveredModel> take() { return std::move(found_); }

  private:
    // `claimsGptOss`: listed with its problem when it turns out unusable.
    void consider(const QString& path, const QString& source, bool claimsGptOss) {
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (canonical.isEmpty() || seen_.contains(canonical)) return;
        seen_.insert(canonical);
        DiscoveredModel model = describeModel(path, source, memory_);
        if (model.valid || claimsGptOss) found_.append(std::move(model));
    }

    std::uint64_t memory_;
    QSet<QString> seen_;
    QList<DiscoveredModel> found_;
};

// Where huggingface_hub keeps its cache: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/...
QString huggingFaceHub(const QDir& home) {
    const QString cache = qEnvironmentVariable("HF_HUB_CACHE");
    if (!cache.isEmpty()) return cache;
    const QString hfHome = qEnvironmentVariable("HF_HOME");
    if (!hfHome.isEmpty()) return QDir(hfHome).filePath(QStringLiteral("hub"));
    return home.filePath(QStringLiteral(".cache/huggingface/hub"));
}

} // namespace

QString modelDisplayName(const QFileInfo& info) {
    if (!info.isDir()) return info.fileName();
    const QStringList parts = QDir::cleanPath(info.absoluteFilePath()).split(QLatin1Char('/'));
    for (const QString& part : parts) {
        if (part.startsWith(QLatin1String("models--")))
            return part.mid(8).replace(QLatin1String("--"), QLatin1String("/"));
    }
    return info.fileName();
}

bool isGptOssFolder(const QDir& dir) {
    QFile config(dir.filePath(QStringLiteral("config.json")));
    if (!config.open(QIODevice::ReadOnly)) return false;
    const auto json = QJsonDocument::fromJson(config.read(1 << 20)).object();
    return json.value(QLatin1String("model_type")).toString() == QLatin1String("gpt_oss");
}

qint64 sizeOnDisk(const QFileInfo& info) {
    if (!info.isDir()) return info.size();
    qint64 total = 0;
    const auto files = QDir(info.absoluteFilePath()).entryInfoList(QDir::Files);
    for (const QFileInfo& file : files)
        total += file.size(); // links (the Hugging Face cache) count what they point to
    return total;
}

QString fitLine(const hearth::FitReport& fit) {
    const QString need = fromStd(hearth::format_memory(fit.need.total()));
    const QString have = fromStd(hearth::format_memory(fit.device_memory));
    return fit.fits ? QCoreApplication::translate("ModelDiscovery",
                                                  "Fits: needs %1 of %2, %3-token context")
                          .arg(need, have)
                          .arg(fit.context)
                    : QCoreApplication::translate("ModelDiscovery",
                                                  "Does not fit: needs %1, this computer has %2")
                          .arg(need, have);
}

QList<SearchRoot> standardSearchRoots(const QString& home, const QStringList& extraFolders) {
    const QDir h(home);
    QList<SearchRoot> roots = {
        {h.filePath(QStringLiteral(".lmstudio/models")), QStringLiteral("LM Studio"), 3},
        {h.filePath(QStringLiteral(".cache/lm-studio/models")), QStringLiteral("LM Studio"), 3},
        {h.filePath(QStringLiteral(".local/share/nomic.ai/GPT4All")), QStringLiteral("GPT4All"), 1},
        // models--ORG--NAME/snapshots/REVISION/
        {huggingFaceHub(h), QCoreApplication::translate("ModelDiscovery", "Hugging Face cache"), 3},
        {h.filePath(QCoreApplication::translate("ModelDiscovery", "Downloads")),
         QCoreApplication::translate("ModelDiscovery", "Downloads"), 2},
    };
    for (const QString& folder : extraFolders)
        roots.append({folder, QCoreApplication::translate("ModelDiscovery", "Added folder"), 3});
    QList<SearchRoot> existing;
    for (const auto& root : roots) {
        if (QFileInfo(root.folder).isDir()) existing.append(root);
    }
    return existing;
}

QList<DiscoveredModel> discoverModels(const QList<SearchRoot>& roots, std::uint64_t memoryBytes) {
    Walker walker(memoryBytes);
    for (const auto& root : roots)
        walker.walk(root.folder, root.source, root.depth);
    return walker.take();
}

DiscoveredModel describeModel(const QString& path, const QString& source,
                              std::uint64_t memoryBytes) {
    DiscoveredModel model;
    const QFileInfo info(path);
    model.path = info.absoluteFilePath();
    model.source = source;
    model.format = info.isDir()
                       ? QCoreApplication::translate("ModelDiscovery", "Hugging Face folder")
                       : QStringLiteral("GGUF");
    model.name = modelDisplayName(info);
    model.fileBytes = sizeOnDisk(info);
    // Opening the headers validates the format, hyperparameters and every tensor's shape (the
    // same readers as hearth::inspect_model, without summarising the whole tokenizer).
    auto fit = hearth::check_model_fit(model.path.toStdString(), memoryBytes);
    if (!fit) {
        model.problem = fromStd(fit.error().message);
        return model;
    }
    if (info.isDir() &&
        !QFileInfo::exists(QDir(model.path).filePath(QStringLiteral("tokenizer.json")))) {
        model.problem = QCoreApplication::translate("ModelDiscovery", "%1 has no tokenizer.json")
                            .arg(model.path);
        return model;
    }
    model.valid = true;
    if (memoryBytes > 0) addFit(model, *fit);
    return model;
}
