// MatchOutcome: the verdict of a matcher, with what was expected in words
// (for "expected" in reports) and, on failure, why it did not match.
#pragma once

#include <string>

namespace smtp {

struct MatchOutcome {
  bool ok = false;
  std::string expected;  // "250", "2xx", "250 with ext [PIPELINING]", "not 5xx", ...
  std::string reason;    // empty when ok: "code 550 is not 250"
  // The matcher could not decide (a regex hit a limit): neither a match nor a
  // mismatch, so `not:` does not turn it into a pass and `optional:` does not
  // excuse it. `reason` names the limit.
  bool error = false;
};

}  // namespace smtp
