#include "harness/runner/server_matchers.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <vector>

#include "harness/core/dot_stuffing.h"
#include "harness/core/transcript.h"
#include "harness/util/glob.h"

namespace smtp {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// "MAIL FROM:<a@b>" -> {"MAIL", "FROM:<a@b>"}; the separator is one space.
std::pair<std::string_view, std::string_view> SplitVerb(std::string_view line) {
  size_t sp = line.find(' ');
  if (sp == std::string_view::npos) return {line, {}};
  return {line.substr(0, sp), line.substr(sp + 1)};
}

std::vector<std::string> Alternatives(std::string_view verbs) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= verbs.size()) {
    size_t bar = verbs.find('|', start);
    if (bar == std::string_view::npos) bar = verbs.size();
    out.push_back(Upper(Trim(verbs.substr(start, bar - start))));
    start = bar + 1;
  }
  return out;
}

bool VerbMatches(std::string_view pattern, std::string_view verb) {
  // The verb part of a glob may itself hold wildcards ("*", "?").
  for (const auto& alt : Alternatives(pattern)) {
    if (GlobMatch(alt, verb, /*case_insensitive=*/true)) return true;
  }
  return false;
}

// MAIL/RCPT keywords FROM:/TO: are case-insensitive; the address is not.
bool ArgMatches(std::string_view verb, std::string_view pattern, std::string_view arg) {
  std::string v = Upper(verb);
  for (std::string_view kw : {std::string_view("FROM:"), std::string_view("TO:")}) {
    if ((v == "MAIL" && kw == "TO:") || (v == "RCPT" && kw == "FROM:")) continue;
    if (pattern.size() >= kw.size() && arg.size() >= kw.size() &&
        Upper(pattern.substr(0, kw.size())) == kw && Upper(arg.substr(0, kw.size())) == kw) {
      return GlobMatch(pattern.substr(kw.size()), arg.substr(kw.size()));
    }
  }
  return GlobMatch(pattern, arg);
}

std::string Quoted(std::string_view s) {
  std::string out = "\"";  // built by appends: GCC 12 warns falsely on "lit" + string&&
  out.append(EscapeBytes(std::string(s)));
  out.push_back('"');
  return out;
}

std::optional<std::string> RegexSearch(const std::string& pattern, const std::string& text,
                                       std::regex::flag_type extra = {}) {
  try {
    std::regex re(pattern, std::regex::ECMAScript | extra);
    if (std::regex_search(text, re)) return std::nullopt;
    return "does not match /" + pattern + "/";
  } catch (const std::regex_error& e) {
    return "invalid regex /" + pattern + "/: " + e.what();
  }
}

// Header block of a CRLF message, unfolded: lower-cased name -> values.
std::vector<std::pair<std::string, std::string>> Headers(std::string_view message) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (pos < message.size()) {
    size_t eol = message.find('\n', pos);
    if (eol == std::string_view::npos) eol = message.size();
    std::string_view line = message.substr(pos, eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = eol + 1;
    if (line.empty()) break;  // end of the header block
    if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      out.back().second.append(" ").append(Trim(line));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) break;  // not a header: the body started
    out.emplace_back(Lower(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1))));
  }
  return out;
}

std::string ToLf(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    out += text[i];
  }
  return out;
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

}  // namespace

std::optional<std::string> MatchCommandLine(const CommandMatcher& m, std::string_view line) {
  auto [verb, arg] = SplitVerb(line);
  if (m.glob) {
    bool ok;
    if (m.glob->find(' ') == std::string::npos) {
      ok = VerbMatches(*m.glob, line);  // "DATA", "QUIT": the whole line is the verb
    } else if (line.find(' ') == std::string_view::npos) {
      ok = GlobMatch(*m.glob, line, /*case_insensitive=*/true);
    } else {
      auto [pverb, parg] = SplitVerb(*m.glob);
      ok = VerbMatches(pverb, verb) && ArgMatches(verb, parg, arg);
    }
    if (!ok) return "expected " + Quoted(*m.glob) + ", got " + Quoted(line);
  }
  if (m.verb && !VerbMatches(*m.verb, verb)) {
    return "expected the " + Upper(*m.verb) + " command, got " + Quoted(line);
  }
  if (m.arg && !ArgMatches(verb, *m.arg, arg)) {
    return "expected " + (m.verb ? Upper(*m.verb) + " " : std::string()) + "with argument " +
           Quoted(*m.arg) + ", got " + Quoted(line);
  }
  if (m.regex) {
    if (auto why = RegexSearch(*m.regex, std::string(line))) return Quoted(line) + " " + *why;
  }
  return std::nullopt;
}

std::optional<std::string> MatchMessage(const DataMatcher& m, std::string_view message) {
  std::string lf = ToLf(message);
  for (const auto& c : m.contains) {
    if (lf.find(ToLf(c)) == std::string::npos) {
      return "the message does not contain " + Quoted(c);
    }
  }
  if (!m.headers.empty()) {
    auto headers = Headers(message);
    for (const auto& [name, glob] : m.headers) {
      auto it = std::find_if(headers.begin(), headers.end(),
                             [&](const auto& h) { return h.first == Lower(name); });
      if (it == headers.end()) return "the message has no " + name + ": header";
      bool any = false;
      for (auto h = it; h != headers.end(); ++h) {
        if (h->first == Lower(name) && GlobMatch(glob, h->second)) any = true;
      }
      if (!any) {
        return "header " + name + ": is " + Quoted(it->second) + ", expected " + Quoted(glob);
      }
    }
  }
  if (m.regex) {
    if (auto why = RegexSearch(*m.regex, lf, std::regex::multiline)) return "the message " + *why;
  }
  if (m.equals) {
    std::string want = TrimTrailingNewlines(ToLf(NormalizeLineEndings(*m.equals)));
    std::string got = TrimTrailingNewlines(lf);
    if (want != got) {
      size_t i = 0;
      while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
      return "the message differs from the expected text at byte " + std::to_string(i) +
             ": expected " + Quoted(want.substr(i, 40)) + ", got " + Quoted(got.substr(i, 40));
    }
  }
  return std::nullopt;
}

std::string DescribeCommandMatcher(const CommandMatcher& m) {
  std::vector<std::string> parts;
  if (m.glob) parts.push_back(*m.glob);
  if (m.verb || m.arg) {
    std::string s = m.verb ? Upper(*m.verb) : std::string("*");
    if (m.arg) s += " " + *m.arg;
    else s += " ...";
    parts.push_back(s);
  }
  if (m.regex) parts.push_back("/" + *m.regex + "/");
  if (parts.empty()) return "any command";
  std::string out = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) out += " and " + parts[i];
  return out;
}

std::string DescribeDataMatcher(const DataMatcher& m) {
  std::vector<std::string> parts;
  for (const auto& c : m.contains) parts.push_back("containing " + Quoted(c));
  for (const auto& [name, glob] : m.headers) parts.push_back(name + ": " + Quoted(glob));
  if (m.regex) parts.push_back("matching /" + *m.regex + "/");
  if (m.equals) parts.push_back("equal to " + Quoted(*m.equals));
  std::string out = "a message ending with <CRLF>.<CRLF>";
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? " " : ", ") + parts[i];
  return out;
}

bool IsQuitMatcher(const CommandMatcher& m) {
  if (m.verb) return Upper(Trim(*m.verb)) == "QUIT";
  if (m.glob) return Upper(SplitVerb(Trim(*m.glob)).first) == "QUIT";
  return false;
}

}  // namespace smtp
