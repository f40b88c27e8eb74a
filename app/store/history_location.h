// Where the desktop app keeps its conversations, so the CLI records into the same file by default.
// Must equal what Qt's QStandardPaths::AppDataLocation gives the app (organisation and application
// "Hearth"), plus "conversations.db"; a test checks the two agree.
#pragma once

#include <filesystem>

namespace hearth::store {

// $XDG_DATA_HOME/Hearth/Hearth/conversations.db, or ~/.local/share/... when it is unset.
std::filesystem::path default_history_path();

} // namespace hearth::store
