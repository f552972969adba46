// Checks a server reply against a client-mode `expect:` matcher (SPEC §3
// "Reply matchers") and says, for people, what was expected. Variables in
// the matcher (${var}) are expanded from `vars` first; `capture:` groups are
// stored into `vars` when the reply matches.
#pragma once

#include <string>
#include <vector>

#include "harness/core/reply.h"
#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"
#include "harness/util/status.h"

namespace smtp {

struct ReplyCheck {
  bool matched = false;
  std::string expected;  // "250", "2xx with EHLO PIPELINING", "not 5xx"
  std::string why;       // when not matched: what differs ("code 550", "no PIPELINING")
};

// "250", "2xx or 3xx", "250 with text /queued/ and EHLO PIPELINING, 8BITMIME".
std::string DescribeMatcher(const ReplyMatcher& m);
std::string DescribeMatchers(const std::vector<ReplyMatcher>& ms);  // "; "-joined

// Errors (an undefined variable, a bad regex) are harness problems: the
// loader should have caught them.
Result<ReplyCheck> CheckReply(const ReplyMatcher& m, const Reply& reply, VarMap& vars);

}  // namespace smtp
