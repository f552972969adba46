// Turning a recorded reply into the `S:` glob of a transcript-form scenario
// (SPEC §3), so a recording replays against the same server tomorrow, or
// another server, without failing on what naturally varies.
//
//   kExact    "250 2.0.0 Ok: queued as 4Xb1Zq0Kk2z" as it was (glob-escaped)
//   kVolatile the code, the RFC 3463 status and the stable words kept; words
//             that vary between sessions or hosts (anything with a digit:
//             queue ids, dates, times, counts, versions, session ids; day
//             and month names; host names; IP literals; mail addresses; the
//             server's own name where RFC 5321 puts it; the client's
//             HELO/EHLO name echoed back) become `*`, runs of them one `*`:
//             "250 2.0.0 Ok: queued as *", "220 * ESMTP Postfix (Debian/GNU)"
//   kCode     the code only: "250 *" (replay against a different server)
//
// Every glob matches the reply it was made from: the stable words keep the
// whitespace between them as sent, and nothing is added after the last
// word the server sent (a glob "250 * Hello vm *" would need text after
// "vm" that the server never sends). A multi-line reply (EHLO) becomes one
// glob for its first line, which the matcher accepts for a multi-line
// reply; its keywords differ from server to server. `$` is left as it is:
// the writers double it. Pure.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "harness/core/reply.h"
#include "harness/util/status.h"

namespace smtp {

enum class GeneraliseLevel { kExact, kVolatile, kCode };

// "exact" | "volatile" | "code".
Result<GeneraliseLevel> ParseGeneraliseLevel(const std::string& text);
// Those names, in that order (`record --generalise` and its completion).
const std::vector<std::string>& GeneraliseLevelNames();

// What the writer knows about the reply beyond its text.
struct ReplyContext {
  // The greeting, or the reply to HELO/EHLO: its first word (after an
  // RFC 3463 status) is the server's domain (RFC 5321 §4.2, §4.1.1.1), even
  // one without a dot ("smtp-sink", "localhost").
  bool names_server = false;
  // The client's HELO/EHLO argument: echoed back ("Hello vm [127.0.0.1]",
  // Exim and the fake server) it varies with the client, not the server.
  std::string client_name;
};

std::string GeneraliseReply(const Reply& reply, GeneraliseLevel level,
                            const ReplyContext& context = {});

// True for a word that varies between sessions or hosts (see above; the
// context-dependent cases aside).
bool IsVolatileWord(const std::string& word);

// Follows a recorded session's client lines and replies to give each reply
// its context: the greeting, which reply answers a HELO/EHLO (pipelined
// commands are answered in order), the client's name. Message lines (after
// DATA's 354, up to the final ".") are not commands.
class ReplyContextTracker {
 public:
  void OnClientLine(const std::string& line);
  // The context of the next complete reply (the greeting first), which
  // answers the oldest command not yet answered.
  ReplyContext OnReply(int code);

 private:
  enum class Sent { kHello, kData, kOther };
  bool greeted_ = false;
  bool in_message_ = false;
  std::string client_name_;
  std::deque<Sent> awaiting_;
};

}  // namespace smtp
