// Runs on the inference thread: owns the loaded model and its chat session, so the GUI thread
// never waits on loading or generation. Results travel back as queued signals.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

#include "hearth/chat_session.h"

class InferenceWorker : public QObject {
    Q_OBJECT

  public:
    explicit InferenceWorker(std::atomic<bool>& cancel) : cancel_(cancel) {}

    // Both run on the worker thread (invoked through queued calls).
    void load(const QString& path);
    void generate(const hearth::harmony::Conversation& conversation,
                  const hearth::GenerationOptions& options);

  signals:
    void loaded(const QString& name, const QString& backend);
    void loadFailed(const QString& message);
    void textArrived(bool reasoning, const QString& text);
    void generationFinished(const QString& endReason, int generatedTokens, double tokensPerSecond,
                            double firstTokenSeconds);
    void generationFailed(const QString& message);

  private:
    std::atomic<bool>& cancel_;
    std::shared_ptr<hearth::Model> model_;
    std::unique_ptr<hearth::ChatSession> session_;
};
