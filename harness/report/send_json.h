// `send --json`: one SendOutcome as one line of JSON (docs/send.md). The
// server's replies and the recipients are arbitrary bytes, so text that is
// not UTF-8 is replaced (U+FFFD) and the line always parses.
#pragma once

#include <string>

#include "harness/report/send_outcome.h"

namespace smtp {

// The object on one line, without a trailing newline.
std::string RenderSendJson(const SendOutcome& outcome, int exit_code);

}  // namespace smtp
