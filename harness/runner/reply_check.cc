#include "harness/runner/reply_check.h"

#include <regex>

#include "harness/util/glob.h"

namespace smtp {
namespace {

bool CodeMatches(const std::string& pattern, int code) {
  std::string c = std::to_string(code);
  if (pattern.size() != 3 || c.size() != 3) return false;
  for (int i = 0; i < 3; ++i) {
    char p = pattern[i];
    if (p == 'x' || p == 'X') continue;
    if (p != c[i]) return false;
  }
  return true;
}

bool EnhancedMatches(const std::string& pattern, const std::optional<EnhancedStatus>& st) {
  if (!st) return false;
  std::string have = st->ToString();
  size_t i = 0, j = 0;
  // Compare dot-separated parts; "x" matches any part.
  while (i <= pattern.size() && j <= have.size()) {
    size_t pe = pattern.find('.', i), he = have.find('.', j);
    if (pe == std::string::npos) pe = pattern.size();
    if (he == std::string::npos) he = have.size();
    std::string pp = pattern.substr(i, pe - i), hp = have.substr(j, he - j);
    if (pp != "x" && pp != "X" && pp != hp) return false;
    bool pend = pe == pattern.size(), hend = he == have.size();
    if (pend || hend) return pend && hend;
    i = pe + 1;
    j = he + 1;
  }
  return false;
}

// The transcript form's glob: k pattern lines are matched against the
// reply's last k lines ("250 *" passes a multi-line EHLO reply).
bool GlobMatches(const std::string& glob, const Reply& reply) {
  std::vector<std::string> pat;
  size_t start = 0;
  while (true) {
    size_t nl = glob.find('\n', start);
    pat.push_back(glob.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  std::vector<std::string> lines;
  std::string code = std::to_string(reply.code);
  for (size_t i = 0; i < reply.lines.size(); ++i) {
    bool last = i + 1 == reply.lines.size();
    lines.push_back(code + (last ? " " : "-") + reply.lines[i]);
  }
  if (lines.empty()) lines.push_back(code);
  if (pat.size() > lines.size()) return false;
  size_t off = lines.size() - pat.size();
  for (size_t i = 0; i < pat.size(); ++i) {
    std::string line = lines[off + i];
    // "250 *" also passes "250" with no text.
    if (!GlobMatch(pat[i], line) && !(line.size() == 3 && GlobMatch(pat[i], line + " "))) {
      return false;
    }
  }
  return true;
}

std::string JoinList(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

}  // namespace

std::string DescribeMatcher(const ReplyMatcher& m) {
  if (m.negated) return "not (" + DescribeMatcher(*m.negated) + ")";
  std::vector<std::string> parts;
  if (m.glob) parts.push_back(*m.glob);
  std::string codes = JoinList(m.codes, " or ");
  if (!codes.empty()) parts.push_back(codes);
  if (m.text) parts.push_back("text /" + *m.text + "/");
  if (m.enhanced) parts.push_back("enhanced " + *m.enhanced);
  if (!m.ext.empty()) parts.push_back("EHLO " + JoinList(m.ext, ", "));
  if (!m.not_ext.empty()) parts.push_back("no EHLO " + JoinList(m.not_ext, ", "));
  if (parts.empty()) return "any reply";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += (i == 1 && (m.glob || !codes.empty()) ? " with " : " and ") + parts[i];
  return out;
}

std::string DescribeMatchers(const std::vector<ReplyMatcher>& ms) {
  std::vector<std::string> parts;
  for (const auto& m : ms) parts.push_back(DescribeMatcher(m));
  return JoinList(parts, "; ");
}

Result<ReplyCheck> CheckReply(const ReplyMatcher& m_in, const Reply& reply, VarMap& vars) {
  ReplyCheck out;
  // Variables first, so the description shows the values that were checked.
  ReplyMatcher m = m_in;
  for (auto& c : m.codes) {
    auto e = Expand(c, vars);
    if (!e.ok()) return e.status();
    c = *e;
  }
  if (m.text) {
    auto e = ExpandForRegex(*m.text, vars);
    if (!e.ok()) return e.status();
    m.text = *e;
  }
  if (m.glob) {
    auto e = Expand(*m.glob, vars);
    if (!e.ok()) return e.status();
    m.glob = *e;
  }
  out.expected = DescribeMatcher(m);
  if (m.negated) {
    VarMap scratch = vars;
    auto inner = CheckReply(*m.negated, reply, scratch);
    if (!inner.ok()) return inner.status();
    out.matched = !inner->matched;
    if (!out.matched) out.why = "the reply matched " + inner->expected;
    return out;
  }
  if (m.glob && !GlobMatches(*m.glob, reply)) {
    out.why = "reply does not match '" + *m.glob + "'";
    return out;
  }
  if (!m.codes.empty()) {
    bool any = false;
    for (const auto& c : m.codes) any = any || CodeMatches(c, reply.code);
    if (!any) {
      out.why = "code " + std::to_string(reply.code);
      return out;
    }
  }
  std::string text = reply.Text();
  if (m.text) {
    try {
      if (!std::regex_search(text, std::regex(*m.text))) {
        out.why = "text does not match /" + *m.text + "/";
        return out;
      }
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("bad regex /" + *m.text + "/: " + e.what());
    }
  }
  if (m.enhanced && !EnhancedMatches(*m.enhanced, reply.Enhanced())) {
    auto st = reply.Enhanced();
    out.why = st ? "enhanced status " + st->ToString() : "no enhanced status code";
    return out;
  }
  if (!m.ext.empty() || !m.not_ext.empty()) {
    EhloInfo info = ParseEhlo(reply);
    std::vector<std::string> missing, present;
    for (const auto& e : m.ext) {
      if (!info.Has(e)) missing.push_back(e);
    }
    for (const auto& e : m.not_ext) {
      if (info.Has(e)) present.push_back(e);
    }
    if (!missing.empty()) {
      out.why = "not advertised: " + JoinList(missing, ", ");
      return out;
    }
    if (!present.empty()) {
      out.why = "advertised: " + JoinList(present, ", ");
      return out;
    }
  }
  // Captures last: a failed match stores nothing.
  VarMap captured;
  for (const auto& [name, pattern] : m.capture) {
    std::smatch sm;
    try {
      std::regex re(pattern);
      if (!std::regex_search(text, sm, re)) {
        out.why = "capture " + name + ": text does not match /" + pattern + "/";
        return out;
      }
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("bad regex /" + pattern + "/: " + e.what());
    }
    captured[name] = sm.size() > 1 ? sm[1].str() : sm[0].str();
  }
  for (auto& [k, v] : captured) vars[k] = v;
  out.matched = true;
  return out;
}

}  // namespace smtp
