// Evaluating server-mode matchers: a client's command line against
// `expect:` (CommandMatcher) and a received message against `expect_data:`
// (DataMatcher). Used by the server-mode runner.
//
// Commands: the verb is case-insensitive, and so are the FROM:/TO: keywords
// of MAIL and RCPT (RFC 5321 §2.4); the rest of the line (addresses, HELO
// name) is compared as written. A glob covers the whole line; `verb` equals
// the verb; `arg` is a glob on the argument; `regex` is searched in the line.
//
// Messages are compared with CRLF turned into LF; `equals` ignores one
// trailing line break on either side; `header: {Name: GLOB}` matches the
// (unfolded, trimmed) value of the first header of that name.
#pragma once

#include <string>
#include <string_view>

#include "harness/scenario/match_outcome.h"
#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

MatchOutcome MatchCommand(const CommandMatcher& matcher, std::string_view line, const VarMap& vars);
std::string DescribeCommandMatcher(const CommandMatcher& matcher);

// `message` is the message data as received (dot-unstuffed, without the
// final ".").
MatchOutcome MatchData(const DataMatcher& matcher, std::string_view message, const VarMap& vars);
std::string DescribeDataMatcher(const DataMatcher& matcher);

// "mail from:<a@B>" -> "MAIL FROM:<a@B>": the parts SMTP says are
// case-insensitive, upper-cased.
std::string NormalizeCommandLine(std::string_view line);

}  // namespace smtp
