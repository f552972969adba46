#include "harness/scenario/reply_matcher_eval.h"

#include "harness/scenario/matcher_regex.h"
#include "harness/util/alternatives.h"
#include "harness/util/glob.h"

namespace smtp {
namespace {

std::string JoinList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
  return out + "]";
}

bool EnhancedPartMatches(std::string_view pattern, int value) {
  return pattern == "x" || pattern == "X" || pattern == std::to_string(value);
}

bool EnhancedMatches(const std::string& pattern, const EnhancedStatus& status) {
  size_t a = pattern.find('.'), b = pattern.find('.', a + 1);
  if (a == std::string::npos || b == std::string::npos) return false;
  std::string_view p(pattern);
  return EnhancedPartMatches(p.substr(0, a), status.klass) &&
         EnhancedPartMatches(p.substr(a + 1, b - a - 1), status.subject) &&
         EnhancedPartMatches(p.substr(b + 1), status.detail);
}

std::string LineForm(const Reply& reply, size_t i) {
  return std::to_string(reply.code) + " " + (i < reply.lines.size() ? reply.lines[i] : "");
}

bool GlobMatchesReply(const std::string& glob, const Reply& reply) {
  if (glob.find('\n') != std::string::npos) return GlobMatch(glob, reply.ToDisplay());
  if (reply.lines.empty()) return GlobMatch(glob, std::to_string(reply.code));
  return GlobMatch(glob, LineForm(reply, reply.lines.size() - 1)) ||
         GlobMatch(glob, LineForm(reply, 0));
}

MatchOutcome Fail(const ReplyMatcher& m, std::string reason) {
  return MatchOutcome{false, DescribeReplyMatcher(m), std::move(reason)};
}

// A regex that could not decide (a limit): the step fails, whatever `not:`.
MatchOutcome Undecided(const ReplyMatcher& m, const std::string& what, const Status& s) {
  MatchOutcome out = Fail(m, what + ": " + s.message());
  out.error = true;
  return out;
}

std::string Shorten(const std::string& s) {
  if (s.size() <= 80) return s;
  return s.substr(0, 77) + "...";
}

}  // namespace

bool CodeMatches(std::string_view pattern, int code) {
  if (pattern.size() != 3 || code < 100 || code > 999) return false;
  const char c[3] = {static_cast<char>('0' + code / 100), static_cast<char>('0' + code / 10 % 10),
                     static_cast<char>('0' + code % 10)};
  for (size_t i = 0; i < 3; ++i) {
    if (pattern[i] != 'x' && pattern[i] != 'X' && pattern[i] != c[i]) return false;
  }
  return true;
}

std::string DescribeReplyMatcher(const ReplyMatcher& m) {
  std::string out;
  if (m.glob) out = "glob \"" + *m.glob + "\"";
  if (!m.codes.empty()) {
    if (!out.empty()) out += ' ';
    out += AlternativesText(m.codes);
  }
  std::vector<std::string> with;
  if (m.text) with.push_back("text /" + *m.text + "/");
  if (!m.ext.empty()) with.push_back("ext " + JoinList(m.ext));
  if (!m.not_ext.empty()) with.push_back("no ext " + JoinList(m.not_ext));
  if (m.enhanced) with.push_back("enhanced " + *m.enhanced);
  if (!with.empty()) {
    if (out.empty()) out = "a reply";
    out += " with ";
    for (size_t i = 0; i < with.size(); ++i) {
      if (i) out += i + 1 == with.size() ? " and " : ", ";
      out += with[i];
    }
  }
  if (m.negated)
    out += (out.empty() ? "" : " and ") + std::string("not ") + DescribeReplyMatcher(*m.negated);
  if (m.closed) return out.empty() ? "connection closed" : out + " or connection closed";
  if (out.empty()) out = "any reply";
  return out;
}

MatchOutcome Match(const ReplyMatcher& m, const Reply& reply, VarMap& vars) {
  if (m.closed && m.codes.empty()) return Fail(m, "a reply came instead of a close");
  if (!m.codes.empty()) {
    bool any = false;
    for (const auto& p : m.codes) any = any || CodeMatches(p, reply.code);
    if (!any) {
      return Fail(m, "code " + std::to_string(reply.code) + " is not " + AlternativesText(m.codes));
    }
  }
  if (m.glob) {
    auto glob = Expand(*m.glob, vars);
    if (!glob.ok()) return Fail(m, glob.status().message());
    if (!GlobMatchesReply(*glob, reply)) {
      return Fail(m, "reply does not match glob \"" + *glob + "\"");
    }
  }
  // Built only when a matcher reads it: `load` checks every reply on this path.
  const std::string text = m.text || !m.capture.empty() ? reply.Text() : std::string();
  if (m.text) {
    auto re = MatcherRegex(*m.text, m.text_regex, vars);
    if (!re.ok()) return Undecided(m, "text", re.status());
    auto found = re->Search(text);
    if (!found.ok()) return Undecided(m, "text", found.status());
    if (!*found) {
      return Fail(m, "text /" + re->pattern() + "/ not found in \"" + Shorten(text) + "\"");
    }
  }
  if (!m.ext.empty() || !m.not_ext.empty()) {
    EhloInfo ehlo = ParseEhlo(reply);
    for (const auto& k : m.ext) {
      if (!ehlo.Has(k)) return Fail(m, "EHLO reply does not advertise " + k);
    }
    for (const auto& k : m.not_ext) {
      if (ehlo.Has(k)) return Fail(m, "EHLO reply advertises " + k);
    }
  }
  if (m.enhanced) {
    auto status = reply.Enhanced();
    if (!status) return Fail(m, "reply has no enhanced status code (expected " + *m.enhanced + ")");
    if (!EnhancedMatches(*m.enhanced, *status)) {
      return Fail(m, "enhanced status " + status->ToString() + " is not " + *m.enhanced);
    }
  }
  if (m.negated) {
    VarMap scratch = vars;
    MatchOutcome inner = Match(*m.negated, reply, scratch);
    if (inner.error) return Undecided(m, "not", Status::Internal(inner.reason));
    if (inner.ok) return Fail(m, "reply matches " + DescribeReplyMatcher(*m.negated));
  }
  // Captures last: a failed expectation stores nothing.
  std::vector<std::pair<std::string, std::string>> captured;
  for (size_t i = 0; i < m.capture.size(); ++i) {
    const auto& [name, pattern] = m.capture[i];
    auto re =
        MatcherRegex(pattern, i < m.capture_regexes.size() ? m.capture_regexes[i] : nullptr, vars);
    if (!re.ok()) return Undecided(m, "capture " + name, re.status());
    auto group = re->SearchGroup(text, 1);
    if (!group.ok()) return Undecided(m, "capture " + name, group.status());
    if (!group->has_value()) {
      return Fail(m,
                  "capture " + name + ": /" + pattern + "/ not found in \"" + Shorten(text) + "\"");
    }
    captured.emplace_back(name, std::move(**group));
  }
  for (auto& [name, value] : captured) vars[name] = std::move(value);
  return MatchOutcome{true, "", ""};
}

}  // namespace smtp
