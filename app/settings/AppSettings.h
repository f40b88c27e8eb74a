// User preferences that outlive the session, persisted with QSettings.
//
// Every getter reads QSettings, so several instances (the QML singleton, the chat controller,
// main()) always agree; a stored value out of range or misspelled reads as the default. Setters
// ignore values out of range, so nothing invalid ever reaches the prompt or the sampler.
#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

class AppSettings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Reasoning effort for new chats: "low", "medium" (the model's default) or "high".
    Q_PROPERTY(QString reasoningEffort READ reasoningEffort WRITE setReasoningEffort NOTIFY
                   reasoningEffortChanged)
    // The model opened last (a .gguf file or a Hugging Face folder); empty before the first.
    Q_PROPERTY(QString modelPath READ modelPath WRITE setModelPath NOTIFY modelPathChanged)
    // Developer instructions given to the model at the start of every new chat; empty for none.
    Q_PROPERTY(
        QString instructions READ instructions WRITE setInstructions NOTIFY instructionsChanged)
    // Sampling: temperature 0 (always the likeliest token) to 2; top-p in (0, 1]; top-k 0 (no
    // limit) to 1000.
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY samplingChanged)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY samplingChanged)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY samplingChanged)
    // Tokens one answer may generate, reasoning included.
    Q_PROPERTY(int maxAnswerTokens READ maxAnswerTokens WRITE setMaxAnswerTokens NOTIFY
                   maxAnswerTokensChanged)
    // Positions of the KV cache (prompt and answer together); applies when a model is loaded.
    // 0 (automatic, until the user chooses): the largest the fit check says fits the device.
    Q_PROPERTY(
        int contextLength READ contextLength WRITE setContextLength NOTIFY contextLengthChanged)
    // "auto", "cuda", "vulkan:N" (Vulkan device N), "vulkan" (the best Vulkan device) or "cpu"
    // (backend_choices.h); applies when a model is loaded.
    Q_PROPERTY(QString backend READ backend WRITE setBackend NOTIFY backendChanged)
    // How a GPU keeps the KV cache: "f16", or "q8" (8-bit, half the memory, so longer contexts
    // fit); applies when a model is loaded. The CPU always keeps f32.
    Q_PROPERTY(QString kvCache READ kvCache WRITE setKvCache NOTIFY kvCacheChanged)
    // "system", "light" or "dark".
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    // Text size of the conversation, the sidebar and the labels (Theme.fontSize), in pixels.
    Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY fontSizeChanged)
    // "system", "en" or "ko"; applies at the next start.
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)

  public:
    explicit AppSettings(QObject* parent = nullptr);

    static constexpr int automatic_context_length = 0;
    static constexpr int min_context_length = 1024;
    static constexpr int max_context_length = 131072;
    static constexpr int min_font_size = 10;
    static constexpr int max_font_size = 24;

    QString modelPath() const;
    void setModelPath(const QString& path);
    QString reasoningEffort() const;
    void setReasoningEffort(const QString& effort);
    QString instructions() const;
    void setInstructions(const QString& text);
    double temperature() const;
    void setTemperature(double value);
    double topP() const;
    void setTopP(double value);
    int topK() const;
    void setTopK(int value);
    int maxAnswerTokens() const;
    void setMaxAnswerTokens(int tokens);
    int contextLength() const;
    void setContextLength(int positions);
    QString backend() const;
    void setBackend(const QString& name);
    QString kvCache() const;
    void setKvCache(const QString& name);
    QString theme() const;
    void setTheme(const QString& name);
    int fontSize() const;
    void setFontSize(int pixels);
    QString language() const;
    void setLanguage(const QString& name);

  signals:
    void reasoningEffortChanged();
    void modelPathChanged();
    void instructionsChanged();
    void samplingChanged();
    void maxAnswerTokensChanged();
    void contextLengthChanged();
    void backendChanged();
    void kvCacheChanged();
    void themeChanged();
    void fontSizeChanged();
    void languageChanged();
};
