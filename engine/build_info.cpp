#include "hearth/build_info.h"

#include <array>

namespace hearth {
namespace {

// The CUDA backend is preferred on NVIDIA hardware, Vulkan everywhere else.
constexpr std::array backends {
#if HEARTH_HAVE_CUDA
    std::string_view{"cuda"},
#endif
        std::string_view{"vulkan"},
};

} // namespace

std::string_view version() { return HEARTH_VERSION; }

std::string_view build_type() { return HEARTH_BUILD_TYPE; }

std::span<const std::string_view> compiled_backends() { return backends; }

std::string version_line(std::string_view program) {
    std::string line{program};
    line += ' ';
    line += version();
    line += " (";
    line += build_type();
    line += ") backends:";
    for (std::size_t i = 0; i < backends.size(); ++i) {
        line += i == 0 ? " " : ", ";
        line += backends[i];
    }
    return line;
}

} // namespace hearth
