// The crash test's child: streams messages into the store until it is killed, and reports each
// commit on stdout (one line, written unbuffered right after the commit returns):
//   U id index            a user message is committed
//   S id index            a streaming answer exists
//   F id content thinking  the answer's text is committed up to these byte lengths
//   C id                  the answer is committed complete
#include <cstdio>
#include <string>
#include <unistd.h>

#include "crash_stream_text.h"
#include "message_stream_writer.h"

namespace {

using namespace hearth::store;

void report(const std::string& line) {
    const std::string text = line + "\n";
    if (::write(STDOUT_FILENO, text.data(), text.size()) < 0) std::_Exit(3);
}

int fail_with(const hearth::Error& error) {
    std::fprintf(stderr, "crash writer: %s (%s)\n", error.message.c_str(), error.detail.c_str());
    return 1;
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc != 2) return 2;
    auto store = ConversationStore::open(argv[1]);
    if (!store) return fail_with(store.error());
    auto c = store->create_conversation({.title = "crash run"});
    if (!c) return fail_with(c.error());
    std::optional<MessageId> parent;
    for (int m = 0;; ++m) {
        MessageContent question;
        question.content = crash_text::question(m);
        auto q = store->add_message(*c, parent, question);
        if (!q) return fail_with(q.error());
        report("U " + std::to_string(*q) + " " + std::to_string(m));
        auto writer = MessageStreamWriter::begin(
            *store, *c, *q, hearth::harmony::ReasoningEffort::low,
            {.interval = std::chrono::hours(1), .max_pending_deltas = 3});
        if (!writer) return fail_with(writer.error());
        report("S " + std::to_string(writer->id()) + " " + std::to_string(m));
        for (int d = 0; d < crash_text::deltas(m); ++d) {
            const auto channel = crash_text::is_reasoning(d) ? hearth::harmony::Channel::analysis
                                                             : hearth::harmony::Channel::final;
            if (auto ok = writer->append(channel, crash_text::delta_text(m, d)); !ok) {
                return fail_with(ok.error());
            }
            if (!writer->has_unsaved_text()) {
                report("F " + std::to_string(writer->id()) + " " +
                       std::to_string(writer->content().size()) + " " +
                       std::to_string(writer->thinking().size()));
            }
        }
        if (auto ok = writer->finish(MessageStatus::complete, {}); !ok)
            return fail_with(ok.error());
        report("C " + std::to_string(writer->id()));
        parent = writer->id();
    }
}
