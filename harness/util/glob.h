// Glob matching as used in transcripts and rules: `*` any run of characters,
// `?` one character, `\*` a literal star. No character classes.
#pragma once

#include <string_view>

namespace smtp {

bool GlobMatch(std::string_view pattern, std::string_view text, bool case_insensitive = false);

}  // namespace smtp
