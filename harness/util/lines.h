// Text split into lines at '\n' (the line end is not kept; a final '\n'
// makes no empty last line). For texts the harness itself holds: scripts,
// transcripts, diffs; wire data goes through core/line_framer.h.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smtp {

// "a\nb\n" -> {"a", "b"}; "a\n\nb" -> {"a", "", "b"}; "" -> {}.
std::vector<std::string> SplitLines(std::string_view text);

}  // namespace smtp
