// ASCII case folding for protocol text (verbs, keywords, mechanism names).
// Only a-z change: SMTP is case-insensitive in ASCII, and the result must
// not depend on the process locale.
#pragma once

#include <string>
#include <string_view>

namespace smtp {

// "ehlo x" -> "EHLO X".
std::string Upper(std::string_view s);

}  // namespace smtp
