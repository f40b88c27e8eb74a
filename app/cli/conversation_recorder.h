// `--db PATH` for run and chat: records the conversation into Hearth's history database while the
// answer is generated. Without --db nothing is recorded (the app's default database location is
// chosen by the GUI, not here).
#pragma once

#include <optional>
#include <string_view>

#include "cli_options.h"
#include "generation_setup.h"
#include "message_stream_writer.h"

namespace hearth::cli {

class ConversationRecorder {
  public:
    // The store named by --db, or nullopt when the option is absent.
    static Result<std::optional<ConversationRecorder>> open(const Options& options);

    ConversationRecorder(ConversationRecorder&&) = default;

    // The next user message starts a new conversation (the first one, or after /reset).
    void start_over() { conversation_.reset(); }
    // Saves the user's message (creating the conversation first, titled by it).
    Result<void> add_user_message(const GenerationSetup& setup, std::string_view text);
    // Starts saving the reply; the object must not move until finish_reply().
    Result<void> begin_reply(harmony::ReasoningEffort effort);
    // Streams an event into the reply. A failed write is reported once; the text stays in
    // memory and is written by a later write or by finish_reply().
    void on_event(const harmony::ParserEvent& event);
    // The reply's final state: complete, cancelled, or failed with `stats`' error.
    Result<void> finish_reply(const Result<GenerationStats>& stats);

  private:
    ConversationRecorder(store::ConversationStore store, std::string model_name)
        : store_(std::move(store)), model_name_(std::move(model_name)) {}

    store::ConversationStore store_;
    std::string model_name_; // the model file's name, e.g. "gpt-oss-20b.gguf"
    std::optional<store::ConversationId> conversation_;
    std::optional<store::MessageId> leaf_;         // the last message of the visible branch
    std::optional<store::MessageId> before_reply_; // the leaf to go back to when a reply fails
    std::optional<store::MessageStreamWriter> writer_;
    bool write_error_reported_ = false;
};

} // namespace hearth::cli
