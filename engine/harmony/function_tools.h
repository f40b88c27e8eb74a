// The "# Tools" section of the developer message: function tools and their JSON-schema
// parameters in the TypeScript-like syntax gpt-oss was trained on.
#pragma once

#include <span>
#include <string>

#include "hearth/error.h"
#include "hearth/harmony.h"

namespace hearth::harmony {

// "## functions\n\nnamespace functions {\n\n" ... "} // namespace functions", exactly as the
// chat template's render_tool_namespace macro writes it. Fails on parameters that are not JSON.
Result<std::string> render_function_namespace(std::span<const FunctionTool> tools);

} // namespace hearth::harmony
