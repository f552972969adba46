// Standard reply texts for server mode: a scripted reply written as just a
// code ("250") or with `*` as its text ("250 *", as in transcripts) gets the
// usual text for that code ("250 OK"). One table, used when a scenario is
// loaded and by the scripted server for its own default replies.
#pragma once

#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace smtp {

// "OK" for 250, "Bye" for 221, ...; a generic text for codes not listed.
// With the server's `hostname`, 220 and 221 name it ("<hostname> ESMTP
// smtp-harness", "<hostname> Bye"), as the fake server's own greeting does.
std::string StandardReplyText(int code, std::string_view hostname = {});

// Replaces, line by line, "NNN", "NNN *" and "NNN-*" by the standard text and
// checks the result is a well-formed reply (one code, 200-599). Lines are
// separated by '\n'. Used by the scenario loader.
Result<std::string> ExpandStandardReply(std::string_view text);

// The scripted server's form, for replies it makes up and steps built in
// code: also fills an empty text, gives a line without a code the first
// line's code, and marks all but the last line as continuation lines
// ("250" -> "250 OK", "250-a\n250 *" -> "250-a\n250 OK").
std::string StandardReply(const std::string& reply, const std::string& hostname);

}  // namespace smtp
