// The text forms of ModelOptions' choices (hearth-cli's and hearth-bench's flags, the app's
// stored settings), read into the options.
#include <algorithm>
#include <charconv>
#include <functional>
#include <iterator>
#include <string>

#include "hearth/model.h"

namespace hearth {

Result<KvCachePrecision> parse_kv_cache_precision(std::string_view name) {
    if (name == "f16") return KvCachePrecision::f16;
    if (name == "f32") return KvCachePrecision::f32;
    if (name == "q8") return KvCachePrecision::q8;
    return fail("Unknown KV cache precision '" + std::string(name) + "' (use f16, f32 or q8)");
}

namespace {

// Gives `take` each item of a tuning text ("name=value,..."): its name and value (empty without
// '='). An item it does not take is an error that lists `known`.
Result<void>
read_tuning_items(std::string_view text, std::string_view known,
                  const std::function<bool(std::string_view name, std::string_view value)>& take) {
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
        const auto equals = item.find('=');
        const auto value =
            equals == std::string_view::npos ? std::string_view() : item.substr(equals + 1);
        if (!take(item.substr(0, equals), value)) {
            return fail("Unknown tuning item '" + std::string(item) + "' (use " +
                        std::string(known) + ")");
        }
    }
    return {};
}

// "0" or "1" into `flag`; false for anything else.
template <typename Flag>
bool read_switch(std::string_view value, Flag& flag) {
    if (value != "0" && value != "1") return false;
    flag = value == "1";
    return true;
}

} // namespace

Result<VulkanTuning> parse_vulkan_tuning(std::string_view text) {
    VulkanTuning tuning;
    const std::pair<std::string_view, std::uint32_t*> fields[] = {
        {"expert_rows", &tuning.expert_rows},
        {"down_rows", &tuning.down_rows},
        {"project_rows", &tuning.project_rows},
        {"invocations", &tuning.invocations},
        {"expert_invocations", &tuning.expert_invocations},
        {"batch_tokens", &tuning.batch_tokens}};
    const std::pair<std::string_view, bool*> switches[] = {
        {"separate_norms", &tuning.separate_norms}, {"fp4_bits", &tuning.fp4_bits}};
    const std::pair<std::string_view, std::optional<bool>*> choices[] = {
        {"wide_units", &tuning.wide_units},
        {"int_dot", &tuning.int_dot},
        {"batch_int_dot", &tuning.batch_int_dot}};
    const auto named = [](const auto& list, std::string_view name) {
        return std::find_if(std::begin(list), std::end(list),
                            [&](const auto& entry) { return entry.first == name; });
    };
    auto read = read_tuning_items(
        text,
        "expert_rows=R, down_rows=R, project_rows=R, invocations=N, expert_invocations=N, "
        "batch_tokens=B, each above 0, or wide_units=0|1, separate_norms=0|1, fp4_bits=0|1, "
        "int_dot=0|1, batch_int_dot=0|1",
        [&](std::string_view name, std::string_view value) {
            if (const auto* on_off = named(switches, name); on_off != std::end(switches)) {
                return read_switch(value, *on_off->second);
            }
            if (const auto* choice = named(choices, name); choice != std::end(choices)) {
                return read_switch(value, *choice->second);
            }
            const auto* field = named(fields, name);
            std::uint32_t number = 0;
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), number);
            if (field == std::end(fields) || value.empty() || error != std::errc() ||
                end != value.data() + value.size() || number == 0) {
                return false;
            }
            *field->second = number;
            return true;
        });
    if (!read) return std::unexpected(read.error());
    return tuning;
}

Result<CudaTuning> parse_cuda_tuning(std::string_view text) {
    CudaTuning tuning;
    auto read =
        read_tuning_items(text, "int_dot=0|1", [&](std::string_view name, std::string_view value) {
            return name == "int_dot" && read_switch(value, tuning.int_dot);
        });
    if (!read) return std::unexpected(read.error());
    return tuning;
}

Result<BackendChoice> parse_backend_choice(std::string_view name) {
    if (name == "auto") return BackendChoice::automatic;
    if (name == "cpu") return BackendChoice::cpu;
    if (name == "vulkan") return BackendChoice::vulkan;
    if (name == "cuda") return BackendChoice::cuda;
    return fail("Unknown backend '" + std::string(name) + "' (use auto, cpu, vulkan or cuda)");
}

} // namespace hearth
