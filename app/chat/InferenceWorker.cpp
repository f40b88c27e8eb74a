#include "InferenceWorker.h"

#include <QFileInfo>

#include "automatic_context.h"
#include "backend_choices.h"
#include "branch_rows.h"
#include "hearth/model_inspection.h"
#include "kv_cache_size.h"
#include "process_memory.h"
#include "tool_rounds.h"

namespace {

QString end_reason_name(hearth::harmony::EndReason reason) {
    using hearth::harmony::EndReason;
    switch (reason) {
    case EndReason::length: return QStringLiteral("length");
    case EndReason::cancelled: return QStringLiteral("cancelled");
    // Tool calls are answered, but not forever (tool_rounds.h).
    case EndReason::call: return QStringLiteral("toolLimit");
    default: return QStringLiteral("complete");
    }
}

QString to_qstring(std::string_view text) {
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

using Precision = hearth::KvCachePrecision;

// How a loaded model's backend keeps its KV cache at `precision` (the fit check's options).
QVariantMap kept_as(std::optional<std::uint64_t> device_free, Precision precision) {
    const auto options = hearth::app::fit_device(device_free, precision).options;
    return {{QStringLiteral("bytesPerValue"), options.kv_element_bytes},
            {QStringLiteral("rowExtraBytes"), options.kv_row_extra_bytes},
            {QStringLiteral("slidingExtra"), options.sliding_extra_positions}};
}

} // namespace

void InferenceWorker::load(const QString& path, const QString& backend, const QString& kv_cache,
                           int context_tokens) {
    session_.reset();
    model_.reset();
    hearth::ModelOptions options;
    if (auto chosen = apply_backend_choice(backend, options); !chosen) {
        emit loadFailed(QString::fromStdString(chosen.error().message));
        return;
    }
    auto precision = hearth::parse_kv_cache_precision(kv_cache.toStdString());
    if (!precision) {
        emit loadFailed(QString::fromStdString(precision.error().message));
        return;
    }
    options.kv_cache = *precision;
    options.progress = [this](double fraction) {
        emit loadProgress(fraction);
        return !cancel_;
    };
    auto model = hearth::Model::load(path.toStdString(), options);
    if (!model && hearth::is_cancelled(model.error())) {
        emit loadCancelled();
        return;
    }
    if (!model) {
        emit loadFailed(QString::fromStdString(model.error().message));
        return;
    }
    const auto device_free = (*model)->device_memory_free();
    const auto device = hearth::app::fit_device(device_free, *precision);
    const auto automatic = hearth::app::automatic_context(path.toStdString(), device);
    if (!automatic) {
        emit loadFailed(QString::fromStdString(automatic.error().message));
        return;
    }
    const std::uint32_t context =
        context_tokens > 0
            ? std::min(static_cast<std::uint32_t>(context_tokens), (*model)->context_length())
            : *automatic;
    auto session = hearth::ChatSession::create(*model, context);
    if (!session) {
        emit loadFailed(QString::fromStdString(session.error().message));
        return;
    }
    model_ = *model;
    model_name_ = QFileInfo(path).fileName().toStdString();
    session_ = std::make_unique<hearth::ChatSession>(std::move(*session));
    context_tokens_ = context;

    QVariantMap info{
        {QStringLiteral("name"), QFileInfo(path).fileName()},
        {QStringLiteral("backend"), to_qstring(model_->backend_name())},
        {QStringLiteral("device"), QString::fromStdString(model_->backend_description())},
        {QStringLiteral("contextLength"), context},
        {QStringLiteral("automaticContextLength"), *automatic},
        {QStringLiteral("modelContextLength"), model_->context_length()}};
    // Headers only: cheap next to the load that just read them.
    if (auto inspection = hearth::inspect_model(path.toStdString())) {
        if (auto shape = hearth::app::kv_cache_shape(*inspection)) {
            info.insert(
                QStringLiteral("kvShape"),
                QVariantMap{
                    {QStringLiteral("layers"), shape->layers},
                    {QStringLiteral("kvHeads"), shape->kv_heads},
                    {QStringLiteral("headDim"), shape->head_dim},
                    {QStringLiteral("slidingWindow"), shape->sliding_window},
                    // How this backend would keep it at each Settings choice, as the fit check
                    // counts.
                    {QStringLiteral("kept"),
                     QVariantMap{{QStringLiteral("f16"), kept_as(device_free, Precision::f16)},
                                 {QStringLiteral("q8"), kept_as(device_free, Precision::q8)}}}});
        }
    }
    emit loaded(info);
    measure_memory();
}

void InferenceWorker::measure_memory() {
    emit memoryMeasured(QVariantMap{
        {QStringLiteral("gpuBytes"),
         static_cast<double>(model_ ? model_->device_memory_bytes() : 0)},
        {QStringLiteral("ramBytes"), static_cast<double>(hearth::app::resident_memory_bytes())}});
}

void InferenceWorker::generate(const GenerationRequest& request) {
    QElapsedTimer clock;
    clock.start();
    if (!session_) {
        emit generationFailed(tr("No model is loaded."));
        return;
    }
    // The reply streams into the history as it is written; a failed write keeps the text in
    // the writer's memory and is retried with the next event.
    auto recorded = record(request);
    std::optional<hearth::store::MessageStreamWriter> writer;
    const auto emit_branches = [&] {
        if (auto rows = branch_rows(*history_, recorded->first))
            emit branchesRecorded(recorded->first, *rows);
    };
    if (recorded) {
        writer.emplace(std::move(recorded->second));
        emit conversationRecorded(recorded->first);
        emit_branches();
    }
    // Recording the question and opening the answer in the history come before the engine.
    const qint64 before_engine_ms = clock.elapsed();
    bool in_call = false; // a tool call's text is its arguments, shown with the call
    // Tokens of the rounds that ended in an answered call: the last round's prompt holds them.
    std::uint32_t answered_rounds_tokens = 0;
    auto stats = hearth::app::generate_reply(
        request.conversation,
        [this, &request](const hearth::harmony::Conversation& conversation,
                         const hearth::EventHandler& on_event) {
            return session_->generate(conversation, request.options, on_event, &cancel_);
        },
        [this, &writer, &in_call](const hearth::harmony::ParserEvent& event) {
            if (writer) (void)writer->on_event(event);
            if (const auto* started = std::get_if<hearth::harmony::MessageStarted>(&event)) {
                in_call = !started->header.recipient.empty();
            } else if (const auto* delta = std::get_if<hearth::harmony::TextDelta>(&event);
                       delta && !in_call) {
                // As the history keeps it: the analysis channel is reasoning, the rest answer.
                emit textArrived(delta->channel == hearth::harmony::Channel::analysis,
                                 QString::fromStdString(delta->text));
            }
        },
        [this, &writer, &answered_rounds_tokens](const hearth::harmony::Message& call,
                                                 const hearth::harmony::Message& result,
                                                 const hearth::GenerationStats& round) {
            answered_rounds_tokens += round.generated_tokens;
            if (writer) {
                auto next =
                    writer->answer_tool_call(result.content, hearth::store::message_stats(round));
                if (next) {
                    writer.emplace(std::move(*next));
                } else {
                    emit historyFailed(QString::fromStdString(next.error().message));
                    writer.reset();
                }
            }
            emit toolCallAnswered(
                QString::fromStdString(hearth::harmony::tool_recipient(*call.tool_call)),
                QString::fromStdString(call.tool_call->arguments),
                QString::fromStdString(result.content));
        });
    // A GPU that stopped, or has no memory left for the model, runs nothing more of it: the model
    // goes, and its GPU memory with it.
    const bool lost = !stats && stats.error().needs_reload;
    if (writer) {
        // The last answer's own numbers: the rounds before it are saved with their calls.
        auto last_round =
            stats ? hearth::store::message_stats(*stats) : hearth::store::MessageStats{};
        last_round.generated_tokens -= answered_rounds_tokens;
        auto finished =
            stats ? writer->finish(hearth::store::final_status(stats->end_reason), last_round)
                  : writer->finish(hearth::store::failure_status(stats.error()), {},
                                   stats.error().message);
        if (!finished) emit historyFailed(QString::fromStdString(finished.error().message));
    }
    // The reply's tool rounds added messages: their ids and versions.
    if (recorded) emit_branches();
    if (lost) {
        session_.reset();
        model_.reset();
    }
    measure_memory();
    if (!stats) {
        const auto message = QString::fromStdString(stats.error().message);
        if (lost) {
            emit modelLost(message);
        } else {
            emit generationFailed(message);
        }
        return;
    }
    const double speed =
        stats->generation_seconds > 0 ? stats->generated_tokens / stats->generation_seconds : 0.0;
    emit generationFinished(
        end_reason_name(stats->end_reason),
        QVariantMap{{QStringLiteral("timeToFirstTokenMs"),
                     double(before_engine_ms) + stats->time_to_first_token_seconds * 1000.0},
                    {QStringLiteral("tokensPerSecond"), speed},
                    {QStringLiteral("contextUsed"),
                     stats->prompt_tokens + stats->generated_tokens - answered_rounds_tokens},
                    {QStringLiteral("generatedTokens"), stats->generated_tokens}});
}

void InferenceWorker::openHistory(const QString& path) {
    auto store = hearth::store::ConversationStore::open(path.toStdString());
    if (!store) {
        emit historyFailed(QString::fromStdString(store.error().message));
        return;
    }
    history_.emplace(std::move(*store));
}

std::optional<hearth::store::ConversationId>
InferenceWorker::conversation_for(const GenerationRequest& request) {
    if (request.conversation_id != 0) return request.conversation_id;
    hearth::store::NewConversation fresh;
    // The first words of the first question, on one line, as the title.
    const std::string& question = request.conversation.messages.back().content;
    fresh.title = QString::fromStdString(question).simplified().left(60).toStdString();
    fresh.settings = request.settings;
    fresh.settings.model = model_name_;
    auto created = history_->create_conversation(fresh);
    if (!created) {
        emit historyFailed(QString::fromStdString(created.error().message));
        return std::nullopt;
    }
    return *created;
}

std::optional<std::pair<hearth::store::ConversationId, hearth::store::MessageStreamWriter>>
InferenceWorker::record(const GenerationRequest& request) {
    using Kind = GenerationRequest::Kind;
    if (!history_ || request.conversation.messages.empty()) return std::nullopt;
    // A message never saved (no history when it was written) cannot be branched from.
    if (request.kind != Kind::ask && request.message_id == 0) return std::nullopt;
    const auto conversation = conversation_for(request);
    if (!conversation) return std::nullopt;
    const auto effort = request.conversation.reasoning_effort;
    auto fail = [this](const hearth::Error& error) {
        emit historyFailed(QString::fromStdString(error.message));
        return std::nullopt;
    };

    hearth::Result<hearth::store::MessageId> question = request.message_id;
    if (request.kind == Kind::resume) {
        auto writer =
            hearth::store::MessageStreamWriter::resume(*history_, request.message_id, effort);
        if (!writer) return fail(writer.error());
        return std::pair{*conversation, std::move(*writer)};
    }
    const std::string& text = request.conversation.messages.back().content;
    if (request.kind == Kind::edit) {
        question = history_->edit_message(request.message_id, text);
    } else if (request.kind == Kind::ask) {
        std::optional<hearth::store::MessageId> parent;
        if (auto existing = history_->conversation(*conversation)) parent = existing->current_leaf;
        hearth::store::MessageContent content;
        content.role = hearth::harmony::Role::user;
        content.content = text;
        question = history_->add_message(*conversation, parent, content);
    }
    if (!question) return fail(question.error());
    auto writer =
        hearth::store::MessageStreamWriter::begin(*history_, *conversation, *question, effort);
    if (!writer) return fail(writer.error());
    return std::pair{*conversation, std::move(*writer)};
}
