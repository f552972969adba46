// Standard reply texts for server mode: a scripted reply written as just a
// code ("250") or with `*` as its text ("250 *", as in transcripts) gets the
// usual text for that code ("250 OK").
#pragma once

#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace smtp {

// "OK" for 250, "Bye" for 221, ...; a generic text for codes not listed.
std::string StandardReplyText(int code);

// Replaces, line by line, "NNN", "NNN *" and "NNN-*" by the standard text and
// checks the result is a well-formed reply (one code, 200-599). Lines are
// separated by '\n'.
Result<std::string> ExpandStandardReply(std::string_view text);

}  // namespace smtp
