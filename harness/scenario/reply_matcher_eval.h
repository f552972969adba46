// Evaluating a client-mode `expect:` (ReplyMatcher) against a reply.
//
// Variables (${name}, ${env:NAME}) in `text` and `glob` are expanded from
// `vars` first; in `text` their values match literally (regex-escaped). When
// everything matches, each `capture: {VAR: REGEX}` stores group 1 of REGEX
// (searched in the reply text) into vars[VAR]. A `not:` matcher passes when
// its inner matcher fails; other keys next to `not:` must pass as well.
//
// Globs (transcript form) match "CODE text"; a one-line glob matches a
// multi-line reply if it matches its last line or its first line, a
// multi-line glob the reply's display form ("250-a\n250 b").
#pragma once

#include "harness/core/reply.h"
#include "harness/scenario/match_outcome.h"
#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

// On a mismatch, `expected` holds DescribeReplyMatcher(matcher); on a match
// it is left empty (describing is not free, and `load` matches every reply).
MatchOutcome Match(const ReplyMatcher& matcher, const Reply& reply, VarMap& vars);

// The expectation in words: "250", "250 or 251", "2xx with text /^OK/",
// "250 with ext [PIPELINING]", "not 5xx", "glob \"250 *\"".
std::string DescribeReplyMatcher(const ReplyMatcher& matcher);

// "250" against "2xx", "25x", "250" (x matches any digit).
bool CodeMatches(std::string_view pattern, int code);

}  // namespace smtp
