#include "InferenceWorker.h"

#include <QFileInfo>

namespace {

// Context for the GUI's conversations; longer ones are refused with a clear message.
constexpr std::uint32_t context_tokens = 8192;

QString end_reason_name(hearth::harmony::EndReason reason) {
    using hearth::harmony::EndReason;
    switch (reason) {
    case EndReason::length: return QStringLiteral("length");
    case EndReason::cancelled: return QStringLiteral("cancelled");
    case EndReason::call: return QStringLiteral("tool call");
    default: return QStringLiteral("complete");
    }
}

} // namespace

void InferenceWorker::load(const QString& path) {
    session_.reset();
    model_.reset();
    auto model = hearth::Model::load(path.toStdString());
    if (!model) {
        emit loadFailed(QString::fromStdString(model.error().message));
        return;
    }
    auto session =
        hearth::ChatSession::create(*model, std::min(context_tokens, (*model)->context_length()));
    if (!session) {
        emit loadFailed(QString::fromStdString(session.error().message));
        return;
    }
    model_ = *model;
    session_ = std::make_unique<hearth::ChatSession>(std::move(*session));
    emit loaded(
        QFileInfo(path).fileName(),
        QString::fromUtf8(model_->backend_name().data(), qsizetype(model_->backend_name().size())));
}

void InferenceWorker::generate(const hearth::harmony::Conversation& conversation,
                               const hearth::GenerationOptions& options) {
    if (!session_) {
        emit generationFailed(tr("No model is loaded."));
        return;
    }
    auto stats = session_->generate(
        conversation, options,
        [this](const hearth::harmony::ParserEvent& event) {
            if (const auto* delta = std::get_if<hearth::harmony::TextDelta>(&event)) {
                emit textArrived(delta->channel != hearth::harmony::Channel::final,
                                 QString::fromStdString(delta->text));
            }
        },
        &cancel_);
    if (!stats) {
        emit generationFailed(QString::fromStdString(stats.error().message));
        return;
    }
    const double rate =
        stats->generation_seconds > 0 ? stats->generated_tokens / stats->generation_seconds : 0;
    emit generationFinished(end_reason_name(stats->end_reason),
                            static_cast<int>(stats->generated_tokens), rate,
                            stats->time_to_first_token_seconds);
}
