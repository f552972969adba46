// The regex of a matcher, ready to search: the one the loader compiled, or,
// for a pattern with ${var} references (or a matcher built in code), one
// compiled now from the pattern with the variables' values escaped in.
//
// Every regex in a scenario has the same flavour: PCRE2, multiline (^ and $
// at line boundaries; \A and \z anchor the whole text); see
// harness/regex/regex.h and docs/scenarios.md.
#pragma once

#include <string>

#include "harness/regex/regex.h"
#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

inline constexpr unsigned kScenarioRegexFlags = Regex::kMultiline;

Result<Regex> MatcherRegex(const std::string& pattern, const CompiledRegex& compiled,
                           const VarMap& vars);

// Compiles `pattern` for the loader when it has no ${var}; null otherwise or
// when it does not compile (the loader reports that separately).
CompiledRegex CompileIfConstant(const std::string& pattern);

}  // namespace smtp
