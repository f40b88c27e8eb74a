#include "chat_command.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>

#include "conversation_recorder.h"
#include "generation_setup.h"

namespace hearth::cli {
namespace {

std::atomic<bool> stop_requested{false};

extern "C" void on_interrupt(int) { stop_requested.store(true); }

} // namespace

int run_chat_command(std::span<const std::string_view> args) {
    auto names = generation_option_names();
    names.insert("--db");
    auto options = Options::parse(args, names, {"--no-history"});
    if (!options) return report_error("chat", options.error());
    // --db: one conversation per session (and per /reset), each message saved, the answer
    // streamed into the store as it is written.
    auto recorder = ConversationRecorder::open(*options);
    if (!recorder) return report_error("chat", recorder.error());
    auto setup = setup_generation(*options);
    if (!setup) return report_error("chat", setup.error());
    auto session = ChatSession::create(setup->model, setup->context_tokens);
    if (!session) return report_error("chat", session.error());
    std::signal(SIGINT, on_interrupt);

    auto conversation = new_conversation(*setup);
    std::fprintf(stderr, "Chatting with %s on %s. /reset starts over, /exit quits.\n",
                 std::string(*options->value("--model")).c_str(),
                 setup->model->backend_description().c_str());
    std::string line;
    while (true) {
        std::fputs("> ", stderr);
        if (!std::getline(std::cin, line) || line == "/exit") break;
        if (line == "/reset") {
            conversation = new_conversation(*setup);
            if (*recorder) (*recorder)->start_over();
            continue;
        }
        if (line.empty()) continue;
        if (*recorder) {
            auto ok = (*recorder)->add_user_message(*setup, line);
            if (ok) ok = (*recorder)->begin_reply(setup->effort);
            if (!ok) report_error("chat", ok.error());
        }
        conversation.messages.push_back(make_message(harmony::Role::user, line));
        stop_requested.store(false);
        ReplyPrinter printer;
        auto on_event = [&](const harmony::ParserEvent& event) {
            printer(event);
            if (*recorder) (*recorder)->on_event(event);
        };
        auto stats = session->generate(conversation, setup->options, on_event, &stop_requested);
        if (*recorder) {
            if (auto saved = (*recorder)->finish_reply(stats); !saved) {
                report_error("chat", saved.error());
            }
        }
        if (!stats) {
            report_error("chat", stats.error());
            // The GPU can run nothing more: every later turn would fail the same way.
            if (stats.error().needs_reload) return 1;
            conversation.messages.pop_back();
            continue;
        }
        print_stats(*stats);
        conversation.messages.push_back(printer.message());
    }
    return 0;
}

} // namespace hearth::cli
