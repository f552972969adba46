#include "harness/scenario/var_expander.h"

#include <cctype>
#include <cstdlib>

#include "harness/regex/regex.h"

namespace smtp {
namespace {

// One pass over `text`: literal runs go to `out`, each reference to `on_ref`.
template <typename OnRef>
Status Walk(std::string_view text, std::string* out, OnRef on_ref) {
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c != '$' || i + 1 >= text.size() || (text[i + 1] != '{' && text[i + 1] != '$')) {
      if (out) *out += c;
      continue;
    }
    if (text[i + 1] == '$') {
      if (out) *out += '$';
      ++i;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unterminated variable reference '" +
                                     std::string(text.substr(i, 20)) + "' (missing '}')");
    }
    std::string_view inner = text.substr(i + 2, close - i - 2);
    VarRef ref;
    if (inner.substr(0, 4) == "env:") {
      ref.env = true;
      inner.remove_prefix(4);
    }
    ref.name = std::string(inner);
    if (!IsValidVarName(ref.name)) {
      return Status::InvalidArgument("invalid variable name '" +
                                     std::string(text.substr(i, close - i + 1)) +
                                     "' (letters, digits, '_', '-', '.'; use $$ for a literal $)");
    }
    Status s = on_ref(ref, out);
    if (!s.ok()) return s;
    i = close;
  }
  return Status::Ok();
}

Result<std::string> ExpandImpl(std::string_view text, const VarMap& vars, const EnvLookup& env,
                               bool regex) {
  std::string out;
  Status s = Walk(text, &out, [&](const VarRef& ref, std::string* o) {
    std::optional<std::string> value;
    if (ref.env) {
      value = env(ref.name);
      if (!value)
        return Status::InvalidArgument("environment variable " + ref.name + " is not set");
    } else {
      auto it = vars.find(ref.name);
      if (it == vars.end())
        return Status::InvalidArgument("undefined variable ${" + ref.name + "}");
      value = it->second;
    }
    *o += regex ? Regex::Escape(*value) : *value;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

bool IsValidVarName(std::string_view name) {
  if (name.empty()) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  }
  return true;
}

Result<std::vector<VarRef>> ScanVarRefs(std::string_view text) {
  std::vector<VarRef> refs;
  Status s = Walk(text, nullptr, [&](const VarRef& ref, std::string*) {
    refs.push_back(ref);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return refs;
}

Result<std::string> Expand(std::string_view text, const VarMap& vars) {
  return ExpandImpl(text, vars, ProcessEnv(), false);
}

Result<std::string> Expand(std::string_view text, const VarMap& vars, const EnvLookup& env) {
  return ExpandImpl(text, vars, env, false);
}

Result<std::string> ExpandForRegex(std::string_view text, const VarMap& vars,
                                   const EnvLookup& env) {
  return ExpandImpl(text, vars, env, true);
}

Result<VarMap> BuildVarMap(const Scenario& scenario, const VarMap& overrides,
                           const EnvLookup& env) {
  VarMap vars;
  for (const auto& [name, value] : scenario.vars) {
    auto o = overrides.find(name);
    if (o != overrides.end()) {
      vars[name] = o->second;
      continue;
    }
    auto expanded = ExpandImpl(value, vars, env, false);
    if (!expanded.ok()) return expanded.status().Prefixed("vars: " + name);
    vars[name] = *expanded;
  }
  for (const auto& [name, value] : overrides) vars[name] = value;
  return vars;
}

Result<std::pair<std::string, std::string>> ParseVarAssignment(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--var '" + std::string(text) + "': expected KEY=VALUE");
  }
  std::string key(text.substr(0, eq));
  if (!IsValidVarName(key)) {
    return Status::InvalidArgument("--var '" + std::string(text) + "': invalid variable name '" +
                                   key + "'");
  }
  return std::make_pair(key, std::string(text.substr(eq + 1)));
}

}  // namespace smtp
