#include "logits_command.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numeric>

#include "cli_options.h"
#include "hearth/model.h"

namespace hearth::cli {
namespace {

Result<int> run(std::span<const std::string_view> args) {
    auto options =
        Options::parse(args, {"--model", "--ids", "--backend", "--threads", "--top"}, {"--json"});
    if (!options) return std::unexpected(options.error());
    auto path = options->required("--model");
    auto id_text = options->required("--ids");
    if (!path) return std::unexpected(path.error());
    if (!id_text) return std::unexpected(id_text.error());
    auto ids64 = parse_integer_list(*id_text);
    if (!ids64) return fail("--ids: " + ids64.error().message);
    auto backend = parse_backend_choice(options->value("--backend").value_or("auto"));
    if (!backend) return std::unexpected(backend.error());
    auto threads = options->unsigned_value("--threads", 0);
    auto top = options->unsigned_value("--top", 0);
    if (!threads) return std::unexpected(threads.error());
    if (!top) return std::unexpected(top.error());

    auto model = Model::load(
        *path, {.backend = *backend, .threads = static_cast<unsigned>(*threads), .progress = {}});
    if (!model) return std::unexpected(model.error());
    std::vector<std::int32_t> ids;
    for (auto id : *ids64) {
        if (id < 0 || id >= (*model)->vocab_size()) {
            return fail("token id " + std::to_string(id) + " is outside the vocabulary (0-" +
                        std::to_string((*model)->vocab_size() - 1) + ")");
        }
        ids.push_back(static_cast<std::int32_t>(id));
    }
    auto sequence = (*model)->new_sequence(
        static_cast<std::uint32_t>(std::min<std::size_t>(ids.size(), (*model)->context_length())));
    if (!sequence) return std::unexpected(sequence.error());
    std::vector<float> logits((*model)->vocab_size());
    if (auto ran = (*sequence)->append(ids, logits); !ran) return std::unexpected(ran.error());

    std::vector<std::int32_t> order(logits.size());
    std::iota(order.begin(), order.end(), 0);
    const std::size_t shown =
        *top == 0 ? logits.size() : std::min<std::size_t>(*top, logits.size());
    std::partial_sort(
        order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
        [&](auto a, auto b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
    if (*top == 0) std::sort(order.begin(), order.end()); // all of them, in id order

    if (options->flag("--json")) {
        nlohmann::json out = {{"backend", (*model)->backend_name()}, {"ids", ids}};
        auto& values = out["logits"] = nlohmann::json::array();
        for (std::size_t i = 0; i < shown; ++i)
            values.push_back({order[i], logits[order[i]]});
        std::printf("%s\n", out.dump().c_str());
    } else {
        for (std::size_t i = 0; i < shown; ++i)
            std::printf("%d\t%.6g\n", order[i], logits[order[i]]);
    }
    return 0;
}

} // namespace

int run_logits_command(std::span<const std::string_view> args) {
    auto result = run(args);
    if (!result) {
        std::fprintf(stderr, "hearth-cli logits: %s\n", result.error().message.c_str());
        return 1;
    }
    return *result;
}

} // namespace hearth::cli
