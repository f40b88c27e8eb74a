// Maps the tensors of a GGUF file or a Hugging Face checkpoint onto ModelWeights, checking that
// every tensor exists with the shape the hyperparameters imply and a type it may have.
#pragma once

#include "format/gguf_file.h"
#include "format/safetensors_file.h"
#include "hearth/error.h"
#include "model_config.h"
#include "weights.h"

namespace hearth::model {

Result<ModelWeights> weights_from_gguf(const format::GgufFile& file, const ModelConfig& config);
Result<ModelWeights> weights_from_safetensors(const format::SafetensorsModel& model,
                                              const std::string& source, const ModelConfig& config);

} // namespace hearth::model
