# cmake -P script: writes INPUT's bytes as a C++ array of little-endian 32-bit words.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR byte_count "${hex_length} / 2")
math(EXPR padding "(4 - ${byte_count} % 4) % 4")
if(byte_count EQUAL 0)
  message(FATAL_ERROR "embed_binary: ${INPUT} is empty")
endif()
if(padding GREATER 0)
  foreach(i RANGE 1 ${padding})
    string(APPEND hex "00")
  endforeach()
endif()
# Each group of four bytes b0 b1 b2 b3 becomes the word 0xb3b2b1b0.
string(REGEX REPLACE "(..)(..)(..)(..)" "0x\\4\\3\\2\\1u," words "${hex}")
string(REGEX REPLACE "(([^,]*,){8})" "\\1\n" words "${words}")
file(WRITE "${OUTPUT}"
"// Generated from ${INPUT} by embed_binary.cmake; do not edit.
#include <cstdint>
#include <span>

namespace ${NAMESPACE} {
namespace {
alignas(16) const std::uint32_t ${SYMBOL}_words[] = {
${words}
};
} // namespace
extern const std::span<const std::uint32_t> ${SYMBOL}(${SYMBOL}_words);
} // namespace ${NAMESPACE}
")
