#include "conversation_recorder.h"

#include <cstdio>
#include <filesystem>

#include "history_location.h"

namespace hearth::cli {
namespace {

constexpr std::size_t title_bytes = 80;

// The first line of the prompt, cut at a character boundary.
std::string title_from(std::string_view prompt) {
    std::string_view title = prompt.substr(0, prompt.find('\n'));
    if (title.size() > title_bytes) {
        std::size_t end = title_bytes;
        while (end > 0 && (static_cast<unsigned char>(title[end]) & 0xC0) == 0x80)
            --end;
        return std::string(title.substr(0, end)) + "…";
    }
    return std::string(title);
}

} // namespace

Result<std::optional<ConversationRecorder>> ConversationRecorder::open(const Options& options) {
    if (options.flag("--no-history")) return std::optional<ConversationRecorder>();
    // By default the desktop app's own history, so both show the same conversations.
    const std::filesystem::path path =
        options.value("--db").value_or(store::default_history_path().string());
    std::error_code ignored;
    std::filesystem::create_directories(path.parent_path(), ignored);
    auto store = store::ConversationStore::open(path);
    if (!store) return std::unexpected(store.error());
    const std::string model = options.value("--model").value_or("");
    return std::optional<ConversationRecorder>(
        ConversationRecorder(std::move(*store), std::filesystem::path(model).filename().string()));
}

Result<void> ConversationRecorder::add_user_message(const GenerationSetup& setup,
                                                    std::string_view text) {
    if (!conversation_) {
        store::NewConversation draft;
        draft.title = title_from(text);
        draft.settings.model = model_name_;
        draft.settings.model_identity = harmony::Conversation{}.model_identity;
        draft.settings.reasoning_effort = setup.effort;
        draft.settings.instructions = setup.developer_instructions;
        const SamplingSettings& s = setup.options.sampling;
        draft.settings.sampling = {.temperature = s.temperature,
                                   .top_p = s.top_p,
                                   .top_k = s.top_k,
                                   .min_p = s.min_p,
                                   .seed = static_cast<std::int64_t>(s.seed),
                                   .max_tokens = setup.options.max_tokens};
        auto id = store_.create_conversation(draft);
        if (!id) return std::unexpected(id.error());
        conversation_ = *id;
        leaf_.reset();
    }
    store::MessageContent message;
    message.role = harmony::Role::user;
    message.content = std::string(text);
    auto id = store_.add_message(*conversation_, leaf_, message);
    if (!id) return std::unexpected(id.error());
    before_reply_ = leaf_;
    leaf_ = *id;
    return {};
}

Result<void> ConversationRecorder::begin_reply(harmony::ReasoningEffort effort) {
    if (!conversation_) return fail("No conversation to answer");
    auto writer = store::MessageStreamWriter::begin(store_, *conversation_, leaf_, effort);
    if (!writer) return std::unexpected(writer.error());
    writer_.emplace(std::move(*writer));
    write_error_reported_ = false;
    return {};
}

void ConversationRecorder::on_event(const harmony::ParserEvent& event) {
    if (!writer_) return;
    if (auto ok = writer_->on_event(event); !ok && !write_error_reported_) {
        std::fprintf(stderr, "\n[could not save the answer yet: %s (%s); will retry]\n",
                     ok.error().message.c_str(), ok.error().detail.c_str());
        write_error_reported_ = true;
    }
}

Result<void> ConversationRecorder::finish_reply(const Result<GenerationStats>& stats) {
    if (!writer_) return {};
    auto ok =
        stats
            ? writer_->finish(store::final_status(stats->end_reason), store::message_stats(*stats))
            : writer_->finish(store::failure_status(stats.error()), {}, stats.error().message);
    if (!ok) return ok; // the writer keeps the text; a later finish_reply may retry
    // A failed reply stays in the history as a branch; the next message follows the question's
    // parent, as the chat's own history does.
    leaf_ = stats ? std::optional(writer_->id()) : before_reply_;
    writer_.reset();
    return {};
}

} // namespace hearth::cli
