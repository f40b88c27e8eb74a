// libFuzzer target: any bytes through the GGUF reader, the gpt-oss config and weight table, and
// the decoder of every weight the table accepts. Nothing may crash or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "format/gguf_file.h"
#include "model/decode.h"
#include "model/weight_table.h"

namespace {

void decode_first_and_last_rows(const hearth::model::WeightRef& w) {
    std::vector<float> row(w.cols);
    hearth::model::decode_row(w, 0, 0, row);
    hearth::model::decode_row(w, w.stack - 1, w.rows - 1, row);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = std::as_bytes(std::span(data, size));
    auto file = hearth::format::GgufFile::parse(bytes, "fuzz.gguf");
    if (!file) return 0;
    (void)file->get_string_array("tokenizer.ggml.tokens");
    (void)file->get_int_array("tokenizer.ggml.token_type");
    auto config = hearth::model::config_from_gguf(*file);
    if (!config) return 0;
    auto weights = hearth::model::weights_from_gguf(*file, *config);
    if (!weights) return 0;
    decode_first_and_last_rows(weights->embedding);
    decode_first_and_last_rows(weights->unembedding);
    for (const auto& layer : weights->layers) {
        for (const auto* p : {&layer.q, &layer.k, &layer.v, &layer.out, &layer.router,
                              &layer.experts.gate, &layer.experts.up, &layer.experts.down}) {
            decode_first_and_last_rows(p->matrix);
            decode_first_and_last_rows(p->bias);
        }
    }
    return 0;
}
