#include "AppSettings.h"

#include <QSettings>
#include <QStringList>

#include <type_traits>

#include "backend_choices.h"

namespace {

const QString effort_key = QStringLiteral("chat/reasoningEffort");
const QString model_key = QStringLiteral("model/path");
const QString instructions_key = QStringLiteral("chat/instructions");
const QString temperature_key = QStringLiteral("sampling/temperature");
const QString top_p_key = QStringLiteral("sampling/topP");
const QString top_k_key = QStringLiteral("sampling/topK");
const QString max_tokens_key = QStringLiteral("chat/maxAnswerTokens");
const QString context_key = QStringLiteral("model/contextLength");
const QString backend_key = QStringLiteral("model/backend");
const QString kv_cache_key = QStringLiteral("model/kvCache");
const QString theme_key = QStringLiteral("appearance/theme");
const QString font_size_key = QStringLiteral("appearance/fontSize");
const QString language_key = QStringLiteral("appearance/language");

const QStringList efforts = {QStringLiteral("low"), QStringLiteral("medium"),
                             QStringLiteral("high")};
const QStringList kv_caches = {QStringLiteral("f16"), QStringLiteral("q8")};
const QStringList themes = {QStringLiteral("system"), QStringLiteral("light"),
                            QStringLiteral("dark")};
const QStringList languages = {QStringLiteral("system"), QStringLiteral("en"),
                               QStringLiteral("ko")};

constexpr int max_top_k = 1000;
constexpr int min_answer_tokens = 1;

// The stored name when it is one of `names`, else `fallback`.
QString stored_name(const QString& key, const QStringList& names, const QString& fallback) {
    const QString stored = QSettings().value(key, fallback).toString();
    return names.contains(stored) ? stored : fallback;
}

// The stored number when it lies in [low, high], else `fallback`.
template <typename T>
T stored_number(const QString& key, T low, T high, T fallback) {
    bool ok = false;
    const QVariant value = QSettings().value(key, fallback);
    const T number = std::is_floating_point_v<T> ? static_cast<T>(value.toDouble(&ok))
                                                 : static_cast<T>(value.toInt(&ok));
    return ok && number >= low && number <= high ? number : fallback;
}

// Stores `value` unless it equals `current`; says whether it did.
bool store(const QString& key, const QVariant& value, const QVariant& current) {
    if (value == current) return false;
    QSettings().setValue(key, value);
    return true;
}

} // namespace

AppSettings::AppSettings(QObject* parent) : QObject(parent) {}

QString AppSettings::reasoningEffort() const {
    return stored_name(effort_key, efforts, QStringLiteral("medium"));
}

void AppSettings::setReasoningEffort(const QString& effort) {
    if (efforts.contains(effort) && store(effort_key, effort, reasoningEffort()))
        emit reasoningEffortChanged();
}

QString AppSettings::modelPath() const { return QSettings().value(model_key).toString(); }

void AppSettings::setModelPath(const QString& path) {
    if (store(model_key, path, modelPath())) emit modelPathChanged();
}

QString AppSettings::instructions() const { return QSettings().value(instructions_key).toString(); }

void AppSettings::setInstructions(const QString& text) {
    if (store(instructions_key, text, instructions())) emit instructionsChanged();
}

double AppSettings::temperature() const { return stored_number(temperature_key, 0.0, 2.0, 1.0); }

void AppSettings::setTemperature(double value) {
    if (value >= 0.0 && value <= 2.0 && store(temperature_key, value, temperature()))
        emit samplingChanged();
}

double AppSettings::topP() const { return stored_number(top_p_key, 0.01, 1.0, 1.0); }

void AppSettings::setTopP(double value) {
    if (value >= 0.01 && value <= 1.0 && store(top_p_key, value, topP())) emit samplingChanged();
}

int AppSettings::topK() const { return stored_number(top_k_key, 0, max_top_k, 0); }

void AppSettings::setTopK(int value) {
    if (value >= 0 && value <= max_top_k && store(top_k_key, value, topK())) emit samplingChanged();
}

int AppSettings::maxAnswerTokens() const {
    return stored_number(max_tokens_key, min_answer_tokens, max_context_length, 4096);
}

void AppSettings::setMaxAnswerTokens(int tokens) {
    if (tokens >= min_answer_tokens && tokens <= max_context_length &&
        store(max_tokens_key, tokens, maxAnswerTokens()))
        emit maxAnswerTokensChanged();
}

int AppSettings::contextLength() const {
    return stored_number(context_key, min_context_length, max_context_length,
                         automatic_context_length);
}

void AppSettings::setContextLength(int positions) {
    if (positions == contextLength()) return;
    if (positions == automatic_context_length) {
        QSettings().remove(context_key);
    } else if (positions >= min_context_length && positions <= max_context_length) {
        QSettings().setValue(context_key, positions);
    } else {
        return;
    }
    emit contextLengthChanged();
}

QString AppSettings::backend() const {
    const QString stored = QSettings().value(backend_key).toString();
    return is_backend_choice(stored) ? stored : QStringLiteral("auto");
}

void AppSettings::setBackend(const QString& name) {
    if (is_backend_choice(name) && store(backend_key, name, backend())) emit backendChanged();
}

QString AppSettings::kvCache() const {
    return stored_name(kv_cache_key, kv_caches, QStringLiteral("f16"));
}

void AppSettings::setKvCache(const QString& name) {
    if (kv_caches.contains(name) && store(kv_cache_key, name, kvCache())) emit kvCacheChanged();
}

QString AppSettings::theme() const {
    return stored_name(theme_key, themes, QStringLiteral("system"));
}

void AppSettings::setTheme(const QString& name) {
    if (themes.contains(name) && store(theme_key, name, theme())) emit themeChanged();
}

int AppSettings::fontSize() const {
    return stored_number(font_size_key, min_font_size, max_font_size, 14);
}

void AppSettings::setFontSize(int pixels) {
    if (pixels >= min_font_size && pixels <= max_font_size &&
        store(font_size_key, pixels, fontSize()))
        emit fontSizeChanged();
}

QString AppSettings::language() const {
    return stored_name(language_key, languages, QStringLiteral("system"));
}

void AppSettings::setLanguage(const QString& name) {
    if (languages.contains(name) && store(language_key, name, language())) emit languageChanged();
}
