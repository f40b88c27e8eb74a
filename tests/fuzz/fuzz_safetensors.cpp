// libFuzzer target: any bytes through the safetensors header parser; every accepted tensor's
// bytes are read, so a span the parser let through past the end would be caught.
#include <cstddef>
#include <cstdint>
#include <span>

#include "format/safetensors_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto file = hearth::format::SafetensorsFile::parse(std::as_bytes(std::span(data, size)),
                                                       "fuzz.safetensors");
    if (!file) return 0;
    volatile std::uint8_t sink = 0;
    for (const auto& tensor : file->tensors()) {
        sink = sink ^ static_cast<std::uint8_t>(tensor.data.front()) ^
               static_cast<std::uint8_t>(tensor.data.back());
    }
    return 0;
}
