// StepProblem: why a step did not pass, in the words `run` and `load` both
// report ("expected 250, got no reply within 5s"), built from the Status a
// connection returned or from a matcher's verdict.
#pragma once

#include <string>
#include <string_view>

#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

struct StepProblem {
  bool error = false;    // the run could not be carried out (not the server's fault)
  std::string actual;    // what was seen instead ("550 ...", "no reply within 5s")
  std::string why;       // detail when actual alone does not say it
  std::string expected;  // the one expectation that failed (a step may have several)
};

// A failed read of a reply: timeout, close, malformed reply, lost
// connection (all the server's doing), or anything else (an error).
// `awaited` names what the reply was for ("RSET", "the end of the data"):
// a close before any byte of it then reads "connection closed with no reply
// to RSET", which is how a server that crashes on a command shows up.
StepProblem ReadProblem(const Status& status, Duration timeout, std::string_view awaited = {});

// A read that failed because the server closed the connection before any
// byte of a reply (not in the middle of one).
bool ClosedBeforeReply(const Status& status);

// What a reply answers, for ReadProblem: the verb of `sent` (upper case),
// "the end of the data" for ".", or "" when nothing was sent (a greeting).
std::string ReplyAwaited(std::string_view sent);
// A failed write: timeout or close (the server's doing), or an error.
StepProblem WriteProblem(const Status& status, Duration timeout);

// One line for messages: a multi-line reply reads "250-a | 250 b".
std::string OneLine(std::string_view s);

// "WHERE: expected EXPECTED, got ACTUAL (WHY)", or "WHERE: WHY" for an
// error. A why that only restates the code ("code 550 is not 2xx") is left out.
std::string StepFailureMessage(const std::string& where, const std::string& expected,
                               const StepProblem& problem);

}  // namespace smtp
