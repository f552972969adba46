// Turning a recorded reply into the `S:` glob of a transcript-form scenario
// (SPEC §3), so a recording replays against the same server tomorrow, or
// another server, without failing on what naturally varies.
//
//   kExact    "250 2.0.0 Ok: queued as 4Xb1Zq0Kk2z" as it was (glob-escaped)
//   kVolatile the code, the RFC 3463 status and the stable words kept; words
//             that vary between sessions or hosts (anything with a digit:
//             queue ids, dates, times, counts; day and month
//             names; host names; IP literals; mail
//             addresses) become `*`, runs of them one `*`:
//             "250 2.0.0 Ok: queued as *", "220 * ESMTP Postfix (Debian/GNU)"
//   kCode     the code only: "250 *" (replay against a different server)
//
// A multi-line reply (EHLO) becomes one glob for its first line, which the
// matcher accepts for a multi-line reply; its keywords differ from server to
// server. `$` is left as it is: the transcript writer doubles it. Pure.
#pragma once

#include <string>

#include "harness/core/reply.h"
#include "harness/util/status.h"

namespace smtp {

enum class GeneraliseLevel { kExact, kVolatile, kCode };

// "exact" | "volatile" | "code".
Result<GeneraliseLevel> ParseGeneraliseLevel(const std::string& text);

std::string GeneraliseReply(const Reply& reply, GeneraliseLevel level);

// True for a word that varies between sessions or hosts (see above).
bool IsVolatileWord(const std::string& word);

}  // namespace smtp
