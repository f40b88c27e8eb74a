// hearth-cli: Hearth's engine from a terminal.
#include <cstdio>
#include <span>
#include <string_view>
#include <vector>

#include "chat_command.h"
#include "devices_command.h"
#include "fit_command.h"
#include "hearth/backend_survey.h"
#include "hearth/build_info.h"
#include "history_command.h"
#include "inspect_command.h"
#include "logits_command.h"
#include "render_command.h"
#include "run_command.h"
#include "tokenize_command.h"

namespace {

constexpr const char* usage =
    "Usage: hearth-cli <command> [options]\n"
    "\n"
    "Commands:\n"
    "  run --model MODEL --prompt TEXT [options]\n"
    "                       answer one prompt: the answer on stdout, reasoning on stderr\n"
    "  chat --model MODEL [options]\n"
    "                       chat in the terminal (Ctrl+C stops an answer, /reset, /exit)\n"
    "      options: --reasoning low|medium|high  --max-tokens N  --temperature T  --top-p P\n"
    "               --top-k K  --min-p P  --seed S  --context N  --system TEXT\n"
    "               --kv-cache f16|f32|q8 (GPU cache precision; default f16;\n"
    "                 q8: half the memory of f16 for longer contexts)\n"
    "               --backend auto|cpu|vulkan|cuda  --threads N\n"
    "               --db PATH  record the conversation in this history database (SQLite,\n"
    "                          created if missing). Default: the desktop app's history,\n"
    "                          ~/.local/share/Hearth/Hearth/conversations.db\n"
    "               --no-history  record nothing\n"
    "  history list|search QUERY|export|import FILE [--db PATH]\n"
    "         export: [--id 1,2] [--format md|json] [--out FILE]\n"
    "                       the saved conversations: list, full-text search, export, import\n"
    "  devices              list the GPUs Hearth can use and their features\n"
    "  fit --model MODEL [--memory-gib N] [--context N] [--gpu] [--json]\n"
    "                       will the model fit in this computer's RAM (or N GiB), with\n"
    "                       how long a context: weights, KV cache, scratch, headroom\n"
    "  inspect MODEL [--json]\n"
    "                       describe a .gguf file or Hugging Face folder\n"
    "  logits --model MODEL --ids 1,2,3 [--backend B] [--threads N] [--top K] [--json]\n"
    "                       logits of the last position\n"
    "  render --model MODEL --conversation FILE.json [--reasoning low|medium|high]\n"
    "         [--date YYYY-MM-DD] [--json]\n"
    "                       print the prompt a conversation file becomes\n"
    "  tokenize --model MODEL (--text T | --text-file F) [--json] [--special] [--bench]\n"
    "                       print the token ids of a text\n"
    "\n"
    "Options:\n"
    "  --version            print version, build type, and which backend runs models here\n"
    "                       (and why not the others)\n"
    "  --help               show this help\n";

} // namespace

int main(int argc, char* argv[]) {
    const std::vector<std::string_view> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string_view command = args[0];
    const std::span<const std::string_view> rest(args.begin() + 1, args.end());
    if (command == "--version") {
        std::puts(hearth::version_line("hearth-cli").c_str());
        // The backend automatic selection takes here, and why each before it is not used.
        bool taken = false;
        for (const auto& status : hearth::survey_backends()) {
            const char* verdict = !status.usable ? "not usable" : taken ? "usable" : "used";
            taken = taken || status.usable;
            std::printf("  %-7s %s: %s\n", status.name.c_str(), verdict, status.detail.c_str());
        }
        return 0;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(usage, stdout);
        return 0;
    }
    if (command == "devices") return hearth::cli::run_devices_command(rest);
    if (command == "fit") return hearth::cli::run_fit_command(rest);
    if (command == "history") return hearth::cli::run_history_command(rest);
    if (command == "inspect") return hearth::cli::run_inspect_command(rest);
    if (command == "logits") return hearth::cli::run_logits_command(rest);
    if (command == "render") return hearth::cli::run_render_command(rest);
    if (command == "run") return hearth::cli::run_run_command(rest);
    if (command == "chat") return hearth::cli::run_chat_command(rest);
    if (command == "tokenize") return hearth::cli::run_tokenize_command(rest);
    std::fprintf(stderr, "hearth-cli: unknown command '%.*s'\n\n%s",
                 static_cast<int>(command.size()), command.data(), usage);
    return 2;
}
