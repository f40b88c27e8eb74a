#include "run_command.h"

#include "generation_setup.h"

namespace hearth::cli {

int run_run_command(std::span<const std::string_view> args) {
    auto names = generation_option_names();
    names.insert("--prompt");
    auto options = Options::parse(args, names, {});
    if (!options) return report_error("run", options.error());
    auto prompt = options->required("--prompt");
    if (!prompt) return report_error("run", prompt.error());
    auto setup = setup_generation(*options);
    if (!setup) return report_error("run", setup.error());
    auto session = ChatSession::create(setup->model, setup->context_tokens);
    if (!session) return report_error("run", session.error());

    auto conversation = new_conversation(*setup);
    conversation.messages.push_back(make_message(harmony::Role::user, *prompt));
    ReplyPrinter printer;
    auto stats = session->generate(conversation, setup->options, std::ref(printer));
    if (!stats) return report_error("run", stats.error());
    print_stats(*stats);
    return 0;
}

} // namespace hearth::cli
