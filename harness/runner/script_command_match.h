// How a scripted session matches a command against an expect step: the
// loader's matchers (harness/scenario/server_matcher_eval.h), plus verb
// alternatives in a glob ("HELO|EHLO *"). Pure functions.
#pragma once

#include <string_view>

#include "harness/scenario/model.h"
#include "harness/scenario/server_matcher_eval.h"

namespace smtp::script {

// Whether the step expects QUIT (closing without it may be allowed).
bool IsQuitMatcher(const CommandMatcher& m);

// A glob whose verb lists alternatives ("HELO|EHLO *") matches when one of
// them does; everything else is the loader's matcher as it is.
MatchOutcome MatchCommandStep(const CommandMatcher& m, std::string_view line, const VarMap& vars);

}  // namespace smtp::script
