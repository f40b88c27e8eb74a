#include "history_location.h"

#include <cstdlib>

namespace hearth::store {

std::filesystem::path default_history_path() {
    std::filesystem::path data;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg == '/') {
        data = xdg;
    } else if (const char* home = std::getenv("HOME"); home && *home) {
        data = std::filesystem::path(home) / ".local" / "share";
    } else {
        data = std::filesystem::temp_directory_path();
    }
    return data / "Hearth" / "Hearth" / "conversations.db";
}

} // namespace hearth::store
