#include "run_command.h"

#include <cstdio>

#include "conversation_recorder.h"
#include "generation_setup.h"

namespace hearth::cli {

int run_run_command(std::span<const std::string_view> args) {
    auto names = generation_option_names();
    names.insert("--prompt");
    names.insert("--db");
    auto options = Options::parse(args, names, {"--no-history"});
    if (!options) return report_error("run", options.error());
    auto prompt = options->required("--prompt");
    if (!prompt) return report_error("run", prompt.error());
    // --db: one new conversation per call, the answer saved as it is written.
    auto recorder = ConversationRecorder::open(*options);
    if (!recorder) return report_error("run", recorder.error());
    auto setup = setup_generation(*options);
    if (!setup) return report_error("run", setup.error());
    auto session = ChatSession::create(setup->model, setup->context_tokens);
    if (!session) return report_error("run", session.error());
    if (*recorder) {
        auto ok = (*recorder)->add_user_message(*setup, *prompt);
        if (ok) ok = (*recorder)->begin_reply(setup->effort);
        if (!ok) return report_error("run", ok.error());
    }

    auto conversation = new_conversation(*setup);
    conversation.messages.push_back(make_message(harmony::Role::user, *prompt));
    ReplyPrinter printer;
    auto on_event = [&](const harmony::ParserEvent& event) {
        printer(event);
        if (*recorder) (*recorder)->on_event(event);
    };
    auto stats = session->generate(conversation, setup->options, on_event);
    if (*recorder) {
        if (auto saved = (*recorder)->finish_reply(stats); !saved) {
            report_error("run", saved.error());
            if (stats) return 1;
        }
    }
    if (!stats) return report_error("run", stats.error());
    print_stats(*stats);
    std::fprintf(stderr, "[on %s]\n", setup->model->backend_description().c_str());
    return 0;
}

} // namespace hearth::cli
