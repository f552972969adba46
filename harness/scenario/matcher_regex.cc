#include "harness/scenario/matcher_regex.h"

namespace smtp {

Result<Regex> MatcherRegex(const std::string& pattern, const CompiledRegex& compiled,
                           const VarMap& vars) {
  if (compiled) return *compiled;
  auto expanded = ExpandForRegex(pattern, vars);
  if (!expanded.ok()) return expanded.status();
  auto re = Regex::Compile(*expanded, kScenarioRegexFlags);
  if (!re.ok()) return re.status().Prefixed("invalid regex /" + *expanded + "/");
  return re;
}

CompiledRegex CompileIfConstant(const std::string& pattern) {
  auto refs = ScanVarRefs(pattern);
  if (!refs.ok() || !refs->empty()) return nullptr;
  auto expanded = ExpandForRegex(pattern, VarMap{});  // "$$" is a "$"
  if (!expanded.ok()) return nullptr;
  auto re = Regex::Compile(*expanded, kScenarioRegexFlags);
  if (!re.ok()) return nullptr;
  return std::make_shared<const Regex>(std::move(*re));
}

}  // namespace smtp
