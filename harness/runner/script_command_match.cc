#include "harness/runner/script_command_match.h"

#include <string>

#include "harness/core/transcript.h"
#include "harness/runner/script_text.h"

namespace smtp::script {

bool IsQuitMatcher(const CommandMatcher& m) {
  if (m.verb) return UpperTrim(*m.verb) == "QUIT";
  if (m.glob) return UpperTrim(std::string_view(*m.glob).substr(0, m.glob->find(' '))) == "QUIT";
  return false;
}

MatchOutcome MatchCommandStep(const CommandMatcher& m, std::string_view line, const VarMap& vars) {
  if (m.glob) {
    const std::string& g = *m.glob;
    size_t sp = g.find(' ');
    std::string verbs = g.substr(0, sp);
    if (verbs.find('|') != std::string::npos) {
      std::string rest = sp == std::string::npos ? "" : g.substr(sp);
      MatchOutcome first;
      size_t start = 0;
      for (bool more = true; more;) {
        size_t bar = verbs.find('|', start);
        more = bar != std::string::npos;
        CommandMatcher alt = m;
        alt.glob = verbs.substr(start, more ? bar - start : std::string::npos) + rest;
        MatchOutcome r = MatchCommand(alt, line, vars);
        if (r.ok) return r;
        if (first.reason.empty()) first = r;
        start = bar + 1;
      }
      first.expected = DescribeCommandMatcher(m);
      first.reason =
          "command \"" + EscapeBytes(std::string(line)) + "\" does not match \"" + g + "\"";
      return first;
    }
  }
  return MatchCommand(m, line, vars);
}

}  // namespace smtp::script
