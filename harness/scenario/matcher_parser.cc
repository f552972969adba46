// ScenarioParser: reply matchers (client mode), command and data matchers
// (server mode).
#include <cctype>

#include "harness/scenario/scenario_parser.h"

namespace smtp {
namespace {

const std::vector<std::string> kReplyMatcherKeys = {"code",    "text",     "glob",    "ext",
                                                    "not_ext", "enhanced", "capture", "not"};
const std::vector<std::string> kCommandMatcherKeys = {"verb", "arg", "regex", "glob"};
const std::vector<std::string> kDataMatcherKeys = {"contains", "header", "headers",        "regex",
                                                   "equals",   "glob",   "max_line_length"};
constexpr int kMaxNotDepth = 8;
// In a code list: a close of the connection instead of a reply also passes.
constexpr const char* kClosedWord = "closed";

bool IsCodePattern(const std::string& s) {
  if (s.size() != 3 || s[0] < '2' || s[0] > '5') return false;
  for (size_t i = 1; i < 3; ++i) {
    char c = s[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != 'x' && c != 'X') return false;
  }
  return true;
}

// "5.1.1", "5.x.x", "4.7.x".
bool IsEnhancedPattern(const std::string& s) {
  size_t start = 0;
  for (int part = 0; part < 3; ++part) {
    size_t end = part < 2 ? s.find('.', start) : s.size();
    if (end == std::string::npos || end == start) return false;
    std::string p = s.substr(start, end - start);
    bool x = p == "x" || p == "X";
    bool digits = p.size() <= 3 && p.find_first_not_of("0123456789") == std::string::npos;
    if (!x && !digits) return false;
    if (part == 0 && !x && p != "2" && p != "4" && p != "5") return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

bool ScenarioParser::CheckCodePattern(const YAML::Node& node, const std::string& code) {
  if (IsCodePattern(code)) return true;
  r_.Error(node, "expect: bad reply code pattern '" + code +
                     "' (expected a code such as 250, or a pattern such as 2xx or 25x)");
  return false;
}

std::optional<ReplyMatcher> ScenarioParser::ParseReplyMatcher(const YAML::Node& node, int depth) {
  ReplyMatcher m;
  m.pos = YamlReader::Pos(node);
  if (node.IsScalar()) {
    if (node.Scalar() == kClosedWord && depth == 0) {
      m.closed = true;
      return m;
    }
    if (!CheckCodePattern(node, node.Scalar())) return std::nullopt;
    m.codes.push_back(node.Scalar());
    return m;
  }
  if (node.IsSequence()) {
    bool ok = true;
    for (const auto& item : node) {
      if (!item.IsScalar()) {
        r_.Error(item, "expect: a list of codes must hold codes such as 250 or 2xx, got " +
                           YamlReader::Describe(item));
        ok = false;
      } else if (item.Scalar() == kClosedWord && depth == 0) {
        m.closed = true;
      } else if (CheckCodePattern(item, item.Scalar())) {
        m.codes.push_back(item.Scalar());
      } else {
        ok = false;
      }
    }
    if (ok && m.codes.empty() && !m.closed) {
      r_.Error(node, "expect: empty list of codes");
      ok = false;
    }
    if (!ok) return std::nullopt;
    return m;
  }
  if (!node.IsMap()) {
    r_.Error(node,
             "expect: expected a reply code (250), a pattern (2xx), a list of codes or a "
             "mapping, got " +
                 YamlReader::Describe(node));
    return std::nullopt;
  }
  size_t before = r_.diag().count();
  r_.CheckKeys(node, kReplyMatcherKeys, "expect");
  if (node.size() == 0) r_.Error(node, "expect: empty matcher (give at least 'code')");
  if (auto c = node["code"]) {
    if (c.IsSequence()) {
      for (const auto& item : c) {
        if (auto s = r_.Str(item, "code"); s && CheckCodePattern(item, *s)) m.codes.push_back(*s);
      }
    } else if (auto s = r_.Str(c, "code"); s && CheckCodePattern(c, *s)) {
      m.codes.push_back(*s);
    }
  }
  if (auto t = node["text"]) {
    if (auto s = r_.Str(t, "text")) {
      r_.CheckRegex(t, *s, "text", 0, &m.text_regex);
      CheckVars(t, *s, "text");
      m.text = *s;
    }
  }
  if (auto g = node["glob"]) {
    if (auto s = r_.Str(g, "glob")) {
      CheckVars(g, *s, "glob");
      m.glob = *s;
    }
  }
  if (auto e = node["ext"]) {
    if (auto l = r_.StrList(e, "ext")) m.ext = *l;
  }
  if (auto e = node["not_ext"]) {
    if (auto l = r_.StrList(e, "not_ext")) m.not_ext = *l;
  }
  if (auto e = node["enhanced"]) {
    if (auto s = r_.Str(e, "enhanced")) {
      if (IsEnhancedPattern(*s)) {
        m.enhanced = *s;
      } else {
        r_.Error(e, "enhanced: bad enhanced status code '" + *s +
                        "' (expected class.subject.detail such as 5.1.1 or 5.x.x)");
      }
    }
  }
  if (auto c = node["capture"]) {
    if (r_.ExpectMap(c, "capture")) {
      for (const auto& kv : c) {
        auto name = r_.Str(kv.first, "capture");
        auto regex = r_.Str(kv.second, "capture");
        if (!name || !regex) continue;
        if (!IsValidVarName(*name)) {
          r_.Error(kv.first, "capture: invalid variable name '" + *name + "'");
          continue;
        }
        CompiledRegex compiled;
        if (r_.CheckRegex(kv.second, *regex, "capture " + *name, 1, &compiled)) {
          CheckVars(kv.second, *regex, "capture " + *name);
          m.capture.emplace_back(*name, *regex);
          m.capture_regexes.push_back(std::move(compiled));
        }
      }
    }
  }
  if (auto n = node["not"]) {
    if (depth >= kMaxNotDepth) {
      r_.Error(n, "not: nested too deeply (at most " + std::to_string(kMaxNotDepth) + ")");
    } else if (auto inner = ParseReplyMatcher(n, depth + 1)) {
      if (!inner->capture.empty()) {
        r_.Error(n, "not: a negated matcher cannot capture (it passes only when nothing matched)");
      }
      m.negated = std::make_shared<ReplyMatcher>(std::move(*inner));
    }
  }
  if (r_.diag().count() != before) return std::nullopt;
  return m;
}

std::optional<CommandMatcher> ScenarioParser::ParseCommandMatcher(const YAML::Node& node) {
  CommandMatcher m;
  m.pos = YamlReader::Pos(node);
  if (node.IsScalar()) {
    if (node.Scalar().empty()) {
      r_.Error(node, "expect: empty command pattern");
      return std::nullopt;
    }
    CheckVars(node, node.Scalar(), "expect");
    m.glob = node.Scalar();
    return m;
  }
  if (!node.IsMap()) {
    r_.Error(node,
             "expect: expected a command pattern (HELO *) or a mapping {verb, arg, regex}, "
             "got " +
                 YamlReader::Describe(node));
    return std::nullopt;
  }
  bool ok = true;
  r_.CheckKeys(node, kCommandMatcherKeys, "expect");
  if (node.size() == 0) {
    r_.Error(node, "expect: empty matcher (give verb, arg, regex or glob)");
    ok = false;
  }
  if (auto v = node["verb"]) {
    if (auto s = r_.Str(v, "verb")) {
      bool alpha = !s->empty();
      for (char c : *s) alpha = alpha && std::isalpha(static_cast<unsigned char>(c));
      if (alpha) {
        m.verb = *s;
      } else {
        r_.Error(v, "verb: expected an SMTP verb such as MAIL, got '" + *s + "'");
        ok = false;
      }
    } else {
      ok = false;
    }
  }
  if (auto a = node["arg"]) {
    if (auto s = r_.Str(a, "arg")) {
      CheckVars(a, *s, "arg");
      m.arg = *s;
    } else {
      ok = false;
    }
  }
  if (auto g = node["glob"]) {
    if (auto s = r_.Str(g, "glob")) {
      CheckVars(g, *s, "glob");
      m.glob = *s;
    } else {
      ok = false;
    }
  }
  if (auto x = node["regex"]) {
    auto s = r_.Str(x, "regex");
    if (s && r_.CheckRegex(x, *s, "regex", 0, &m.compiled_regex)) {
      CheckVars(x, *s, "regex");
      m.regex = *s;
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return m;
}

std::optional<DataMatcher> ScenarioParser::ParseDataMatcher(const YAML::Node& node) {
  DataMatcher m;
  m.pos = YamlReader::Pos(node);
  if (node.IsScalar()) {  // shorthand for {contains: TEXT}
    CheckVars(node, node.Scalar(), "expect_data");
    m.contains.push_back(node.Scalar());
    return m;
  }
  if (!node.IsMap()) {
    r_.Error(node, "expect_data: expected a mapping {contains, header, regex, equals, glob}, got " +
                       YamlReader::Describe(node));
    return std::nullopt;
  }
  size_t before = r_.diag().count();
  r_.CheckKeys(node, kDataMatcherKeys, "expect_data");
  if (auto c = node["contains"]) {
    if (auto l = r_.StrList(c, "contains")) {
      for (const auto& s : *l) CheckVars(c, s, "contains");
      m.contains = *l;
    }
  }
  for (const char* key : {"header", "headers"}) {
    auto h = node[key];
    if (!h || !r_.ExpectMap(h, key)) continue;
    for (const auto& kv : h) {
      auto name = r_.Str(kv.first, key);
      auto glob = r_.Str(kv.second, key);
      if (!name || !glob) continue;
      CheckVars(kv.second, *glob, key);
      m.headers[*name] = *glob;
    }
  }
  if (auto x = node["regex"]) {
    if (auto s = r_.Str(x, "regex"); s && r_.CheckRegex(x, *s, "regex", 0, &m.compiled_regex)) {
      CheckVars(x, *s, "regex");
      m.regex = *s;
    }
  }
  if (auto e = node["equals"]) {
    if (auto s = r_.Str(e, "equals")) {
      CheckVars(e, *s, "equals");
      m.equals = *s;
    }
  }
  if (auto g = node["glob"]) {
    if (auto s = r_.Str(g, "glob")) {
      CheckVars(g, *s, "glob");
      m.glob = *s;
    }
  }
  if (auto n = node["max_line_length"]) {
    // 3: a line holds at least its CRLF and one octet.
    if (auto v = r_.Int(n, "max_line_length", 3, 1 << 30)) m.max_line_length = *v;
  }
  if (r_.diag().count() != before) return std::nullopt;
  return m;
}

}  // namespace smtp
