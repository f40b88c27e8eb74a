// What `run` and `chat` share: loading the model, generation options from the command line, and
// printing the model's output (the answer to stdout, reasoning to stderr, dimmed on a terminal).
#pragma once

#include <memory>
#include <string>

#include "cli_options.h"
#include "hearth/chat_session.h"

namespace hearth::cli {

// Options common to run and chat (with a value): model, backend and sampling.
const std::set<std::string_view>& generation_option_names();

struct GenerationSetup {
    std::shared_ptr<Model> model;
    GenerationOptions options;
    harmony::ReasoningEffort effort = harmony::ReasoningEffort::medium;
    std::uint32_t context_tokens = 8192;
    std::string developer_instructions;
};

Result<GenerationSetup> setup_generation(const Options& options);

harmony::Message make_message(harmony::Role role, std::string content, std::string thinking = {});

// A conversation with the setup's effort, instructions and today's date.
harmony::Conversation new_conversation(const GenerationSetup& setup);

// Prints events as they come and collects the reply for the conversation history.
class ReplyPrinter {
  public:
    ReplyPrinter();
    void operator()(const harmony::ParserEvent& event);
    // The assistant message the reply becomes in the next turn's conversation.
    harmony::Message message() const;

  private:
    bool dim_reasoning_;
    bool in_reasoning_ = false;
    std::string answer_, reasoning_;
};

void print_stats(const GenerationStats& stats);

} // namespace hearth::cli
