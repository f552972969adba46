// Variables in scenario strings: `${name}` (from vars:, --var, or a capture of
// an earlier step), `${env:NAME}` (the environment), and `$$` for a literal
// dollar. A `$` not followed by `{` or `$` stays as it is (regexes use it).
//
// The loader uses ScanVarRefs to check, before anything runs, that every
// reference is defined; the runner calls Expand as it goes. An undefined
// variable is an error, never an empty string.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace smtp {

using VarMap = std::map<std::string, std::string>;

// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();  // getenv

struct VarRef {
  std::string name;  // without "env:"
  bool env = false;
};

// The references in `text`, in order; an error for "${" without "}" or an
// empty/invalid name.
Result<std::vector<VarRef>> ScanVarRefs(std::string_view text);

// Replaces references by their values. Errors name the variable.
Result<std::string> Expand(std::string_view text, const VarMap& vars);
Result<std::string> Expand(std::string_view text, const VarMap& vars, const EnvLookup& env);

// As Expand, but values are regex-escaped so they match literally inside a
// regex ("a.b" matches only "a.b").
Result<std::string> ExpandForRegex(std::string_view text, const VarMap& vars,
                                   const EnvLookup& env = ProcessEnv());

// The scenario's vars: (each may use earlier ones and env) with `overrides`
// (--var) replacing values of the same name or adding new ones.
Result<VarMap> BuildVarMap(const Scenario& scenario, const VarMap& overrides,
                           const EnvLookup& env = ProcessEnv());

// Parses a "--var KEY=VALUE" argument.
Result<std::pair<std::string, std::string>> ParseVarAssignment(std::string_view text);

bool IsValidVarName(std::string_view name);

}  // namespace smtp
