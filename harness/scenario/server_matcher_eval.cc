#include "harness/scenario/server_matcher_eval.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "harness/scenario/matcher_regex.h"
#include "harness/util/ascii.h"
#include "harness/util/glob.h"

namespace smtp {
namespace {

// In quotes, CR and LF escaped; a long text (a 1 MB command line) is cut.
std::string Quote(std::string_view s) {
  constexpr size_t kShown = 200;
  const bool cut = s.size() > kShown;
  if (cut) s = s.substr(0, kShown);
  std::string out = "\"";
  for (char c : s) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + (cut ? "...\"" : "\"");
}

// Upper-cases a leading "from:"/"to:" of a MAIL/RCPT argument.
std::string NormalizeArgs(const std::string& verb, std::string_view args) {
  std::string out(args);
  for (auto [v, kw] : {std::pair{"MAIL", "FROM:"}, std::pair{"RCPT", "TO:"}}) {
    std::string_view k(kw);
    if (verb == v && out.size() >= k.size() && Upper(out.substr(0, k.size())) == k) {
      out.replace(0, k.size(), k);
    }
  }
  return out;
}

std::string Normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::string_view StripOneNewline(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  return s;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return std::string(s);
}

// The unfolded value of the first header named `name`, if any.
std::optional<std::string> HeaderValue(const std::string& message, const std::string& name) {
  std::optional<std::string> value;
  size_t start = 0;
  bool in_target = false;
  while (start < message.size()) {
    size_t nl = message.find('\n', start);
    std::string_view line(message.data() + start,
                          (nl == std::string::npos ? message.size() : nl) - start);
    if (line.empty()) break;  // end of the header block
    if (line.front() == ' ' || line.front() == '\t') {
      if (in_target) {
        value->push_back(' ');
        value->append(Trim(line));
      }
    } else {
      if (value) break;
      size_t colon = line.find(':');
      in_target = colon != std::string_view::npos && Upper(line.substr(0, colon)) == Upper(name);
      if (in_target) value = Trim(line.substr(colon + 1));
    }
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return value;
}

// "a\nb\n" -> {"a", "b"}; "a\n\n" -> {"a", ""}; an unterminated last line counts.
std::vector<std::string_view> MessageLines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      out.push_back(text);
      break;
    }
    out.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  return out;
}

// Empty when every line matches; else why not, naming the first line that differs.
std::string LineGlobMismatch(const std::string& glob, const std::string& text) {
  auto want = MessageLines(glob);
  auto got = MessageLines(text);
  for (size_t i = 0; i < want.size() && i < got.size(); ++i) {
    if (!GlobMatch(want[i], got[i])) {
      return "line " + std::to_string(i + 1) + " of the message " + Quote(got[i]) +
             " does not match " + Quote(want[i]);
    }
  }
  if (want.size() == got.size()) return "";
  std::string out = "the message has " + std::to_string(got.size()) + " line(s), expected " +
                    std::to_string(want.size());
  if (got.size() > want.size()) return out + "; the first extra one is " + Quote(got[want.size()]);
  return out + "; the first missing one is " + Quote(want[got.size()]);
}

}  // namespace

std::string NormalizeCommandLine(std::string_view line) {
  size_t sp = line.find(' ');
  std::string verb = Upper(line.substr(0, sp));
  if (sp == std::string_view::npos) return verb;
  return verb + " " + NormalizeArgs(verb, line.substr(sp + 1));
}

std::string DescribeCommandMatcher(const CommandMatcher& m) {
  std::vector<std::string> parts;
  if (m.glob) parts.push_back(*m.glob);
  if (m.verb) parts.push_back("verb " + Upper(*m.verb));
  if (m.arg) parts.push_back("argument \"" + *m.arg + "\"");
  if (m.regex) parts.push_back("matching /" + *m.regex + "/");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out.empty() ? "any command" : out;
}

MatchOutcome MatchCommand(const CommandMatcher& m, std::string_view line, const VarMap& vars) {
  MatchOutcome out{false, DescribeCommandMatcher(m), ""};
  std::string normalized = NormalizeCommandLine(line);
  size_t sp = normalized.find(' ');
  std::string verb = normalized.substr(0, sp);
  std::string args = sp == std::string::npos ? "" : normalized.substr(sp + 1);
  if (m.glob) {
    auto glob = Expand(*m.glob, vars);
    if (!glob.ok()) {
      out.reason = glob.status().message();
      return out;
    }
    if (!GlobMatch(NormalizeCommandLine(*glob), normalized)) {
      out.reason = "command " + Quote(line) + " does not match \"" + *glob + "\"";
      return out;
    }
  }
  if (m.verb && Upper(*m.verb) != verb) {
    out.reason = "verb " + verb + " is not " + Upper(*m.verb) + " (command " + Quote(line) + ")";
    return out;
  }
  if (m.arg) {
    auto arg = Expand(*m.arg, vars);
    if (!arg.ok()) {
      out.reason = arg.status().message();
      return out;
    }
    if (!GlobMatch(NormalizeArgs(verb, *arg), args)) {
      out.reason = "argument \"" + args + "\" does not match \"" + *arg + "\"";
      return out;
    }
  }
  if (m.regex) {
    auto re = MatcherRegex(*m.regex, m.compiled_regex, vars);
    auto found = re.ok() ? re->Search(line) : Result<bool>(re.status());
    if (!found.ok()) {
      out.reason = "regex: " + found.status().message();
      out.error = true;
      return out;
    }
    if (!*found) {
      out.reason = "command " + Quote(line) + " does not match /" + re->pattern() + "/";
      return out;
    }
  }
  out.ok = true;
  return out;
}

std::string DescribeDataMatcher(const DataMatcher& m) {
  std::vector<std::string> parts;
  for (const auto& c : m.contains) parts.push_back("containing " + Quote(c));
  for (const auto& [name, glob] : m.headers) parts.push_back(name + ": " + glob);
  if (m.regex) parts.push_back("matching /" + *m.regex + "/");
  if (m.equals) parts.push_back("equal to " + Quote(*m.equals));
  if (m.glob) parts.push_back("matching line by line " + Quote(*m.glob));
  if (m.max_line_length) {
    parts.push_back("with no line longer than " + std::to_string(*m.max_line_length) +
                    " octets (CRLF included)");
  }
  std::string out = "a message";
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : " ") + parts[i];
  return out;
}

MatchOutcome MatchData(const DataMatcher& m, std::string_view message, const VarMap& vars) {
  MatchOutcome out{false, DescribeDataMatcher(m), ""};
  std::string text = Normalize(message);
  if (m.max_line_length) {
    // First, as the reason: a client that breaks or encodes a long line
    // sends other text than the file held, so content checks fail too.
    size_t number = 1;
    for (size_t pos = 0; pos < text.size(); ++number) {
      size_t eol = std::min(text.find('\n', pos), text.size());
      const size_t octets = eol - pos + 2;  // with its CRLF
      if (octets > *m.max_line_length) {
        out.reason = "line " + std::to_string(number) + " of the message is " +
                     std::to_string(octets) + " octets with its CRLF, longer than " +
                     std::to_string(*m.max_line_length) + " (RFC 5321 4.5.3.1.6: 1000): " +
                     Quote(text.substr(pos, std::min<size_t>(eol - pos, 60))) +
                     (eol - pos > 60 ? " ..." : "");
        return out;
      }
      pos = eol + 1;
    }
  }
  for (const auto& c : m.contains) {
    auto needle = Expand(c, vars);
    if (!needle.ok()) {
      out.reason = needle.status().message();
      return out;
    }
    if (text.find(*needle) == std::string::npos) {
      out.reason = "the message does not contain " + Quote(*needle);
      return out;
    }
  }
  for (const auto& [name, glob_raw] : m.headers) {
    auto glob = Expand(glob_raw, vars);
    if (!glob.ok()) {
      out.reason = glob.status().message();
      return out;
    }
    auto value = HeaderValue(text, name);
    if (!value) {
      out.reason = "the message has no " + name + " header";
      return out;
    }
    if (!GlobMatch(*glob, *value)) {
      out.reason = "header " + name + ": " + Quote(*value) + " does not match \"" + *glob + "\"";
      return out;
    }
  }
  if (m.regex) {
    auto re = MatcherRegex(*m.regex, m.compiled_regex, vars);
    auto found = re.ok() ? re->Search(text) : Result<bool>(re.status());
    if (!found.ok()) {
      out.reason = "regex: " + found.status().message();
      out.error = true;
      return out;
    }
    if (!*found) {
      out.reason = "the message does not match /" + re->pattern() + "/";
      return out;
    }
  }
  if (m.equals) {
    auto want = Expand(*m.equals, vars);
    if (!want.ok()) {
      out.reason = want.status().message();
      return out;
    }
    std::string w = Normalize(*want);
    if (StripOneNewline(w) != StripOneNewline(text)) {
      out.reason =
          "the message " + Quote(StripOneNewline(text)) + " is not " + Quote(StripOneNewline(w));
      return out;
    }
  }
  if (m.glob) {
    auto want = Expand(*m.glob, vars);
    if (!want.ok()) {
      out.reason = want.status().message();
      return out;
    }
    std::string why = LineGlobMismatch(Normalize(*want), text);
    if (!why.empty()) {
      out.reason = why;
      return out;
    }
  }
  out.ok = true;
  return out;
}

}  // namespace smtp
