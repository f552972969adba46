#include "harness/scenario/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "harness/util/utf8.h"

namespace smtp {
namespace {

// Visits at most `budget` nodes; aliases are shared in yaml-cpp, so a
// "billion laughs" document is small in memory but huge to walk. Reports the
// first node deeper than kMaxNesting.
//
// Also finds a quoted string with no closing quote: yaml-cpp accepts one that
// runs to the end of the file, so `send: "EHLO x` would swallow every later
// step into one line (issue 14).
struct ShapeCheck {
  NullKeyMarks* null_keys = nullptr;
  const std::string* text = nullptr;
  long budget = 2'000'000;
  bool too_deep = false;
  YAML::Node deep_node;
  std::optional<YAML::Node> unclosed;

  bool Walk(const YAML::Node& node, int depth) {
    if (--budget < 0) return false;
    if (node.IsScalar() && text && IsUnclosedQuote(node)) {
      unclosed = node;
      return false;
    }
    // Levels are counted as the event pre-pass counts them: a collection
    // with `depth` ancestors opens level depth + 1 (the root map is level 1).
    if ((node.IsSequence() || node.IsMap()) && depth + 1 > kMaxNesting) {
      too_deep = true;
      deep_node = node;
      return false;
    }
    if (node.IsSequence()) {
      for (const auto& child : node) {
        if (!Walk(child, depth + 1)) return false;
      }
    } else if (node.IsMap()) {
      for (const auto& kv : node) {
        if (null_keys && kv.second.IsNull() && null_keys->size() < 100'000) {
          null_keys->emplace_back(kv.second, kv.first.Mark());
        }
        if (!Walk(kv.first, depth + 1) || !Walk(kv.second, depth + 1)) return false;
      }
    }
    return true;
  }

  bool IsUnclosedQuote(const YAML::Node& node) const {
    if (node.Tag() != "!") return false;  // plain, or an explicit tag
    const YAML::Mark m = node.Mark();
    if (m.pos < 0 || static_cast<size_t>(m.pos) >= text->size()) return false;
    const char quote = (*text)[m.pos];
    if (quote != '"' && quote != '\'') return false;
    for (size_t i = m.pos + 1; i < text->size(); ++i) {
      char c = (*text)[i];
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        if (quote == '\'' && i + 1 < text->size() && (*text)[i + 1] == '\'') {
          ++i;  // '' is a quote inside a single-quoted string
        } else {
          return false;
        }
      }
    }
    return true;
  }
};

// Whether `text` needs the event pre-pass (ShapeCounter) before YAML::Load.
// The pre-pass stops hostile documents before yaml-cpp builds them; it also
// parses every file twice (34% of all instructions of a `run` over 1,000
// small scenarios). A document with fewer than 1,000 characters that can
// open a level ('[', '{', '-', '?', ':', a newline) nests less deep than
// yaml-cpp's own recursion guard (2,000), and one under ~50 KB has fewer
// than kMaxYamlNodes nodes (at most about two per byte), so for it the walk
// after Load (ShapeCheck: nesting, aliases) is guard enough.
bool NeedsPrePass(const std::string& text) {
  if (text.size() * 2 + 16 >= static_cast<size_t>(kMaxYamlNodes)) return true;
  size_t openers = 0;
  for (char c : text) {
    openers += c == '[' || c == '{' || c == '-' || c == '?' || c == ':' || c == '\n';
  }
  return openers >= 1000;
}

// A first pass over the parser's events, before any node is built: counts
// nodes and nesting with constant memory, and stops (by throwing
// TooBig) at the first limit passed.
class ShapeCounter : public YAML::EventHandler {
 public:
  struct TooBig {
    YAML::Mark mark;
    std::string message;
  };

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { Node(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { Node(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Node(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Open(m);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Open(m);
  }
  void OnMapEnd() override { --depth_; }

 private:
  void Node(const YAML::Mark& m) {
    if (++nodes_ > kMaxYamlNodes) {
      throw TooBig{m, "too many YAML nodes (more than " + std::to_string(kMaxYamlNodes) +
                          "); split the scenario"};
    }
  }
  void Open(const YAML::Mark& m) {
    Node(m);
    if (++depth_ > kMaxNesting) {
      throw TooBig{m, "nesting is too deep (more than " + std::to_string(kMaxNesting) + " levels)"};
    }
  }
  long nodes_ = 0;
  int depth_ = 0;
};

size_t EditDistance(std::string_view a, std::string_view b) {
  // Optimal string alignment: a swap of two letters ("sned") costs 1.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::optional<YAML::Node> ParseYamlDocument(const std::string& text, Diagnostics& diag,
                                            NullKeyMarks* null_keys) {
  if (text.size() > kMaxScenarioBytes) {
    diag.Add({}, "file is too large (" + std::to_string(text.size()) + " bytes; at most " +
                     std::to_string(kMaxScenarioBytes) + ")");
    return std::nullopt;
  }
  int line = 1, col = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", c);
      diag.Add({line, col}, std::string("not a text file (control byte ") + hex + ")");
      return std::nullopt;
    }
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        diag.Add({line, col},
                 "not valid UTF-8 (scenario files are UTF-8 text; write other "
                 "bytes with YAML escapes such as \\r or \\t)");
        return std::nullopt;
      }
      i += len - 1;
    }
    if (c == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  YAML::Node root;
  try {
    if (NeedsPrePass(text)) {
      std::istringstream in(text);
      YAML::Parser parser(in);
      ShapeCounter counter;
      parser.HandleNextDocument(counter);
    }
    root = YAML::Load(text);
  } catch (const ShapeCounter::TooBig& e) {
    SourcePos pos;
    if (e.mark.line >= 0) pos = {e.mark.line + 1, e.mark.column + 1};
    diag.Add(pos, e.message);
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    SourcePos pos;
    if (e.mark.line >= 0) pos = {e.mark.line + 1, e.mark.column + 1};
    diag.Add(pos, "invalid YAML: " + e.msg);
    return std::nullopt;
  } catch (const std::exception& e) {
    diag.Add({}, std::string("invalid YAML: ") + e.what());
    return std::nullopt;
  }
  ShapeCheck shape;
  shape.null_keys = null_keys;
  shape.text = &text;
  if (!shape.Walk(root, 0)) {
    if (shape.unclosed) {
      const char quote = text[shape.unclosed->Mark().pos];
      diag.Add(YamlReader::Pos(*shape.unclosed),
               std::string("unclosed quote: the string that starts here with ") + quote +
                   " has no closing " + quote + " and runs to the end of the file");
    } else if (shape.too_deep) {
      diag.Add(YamlReader::Pos(shape.deep_node),
               "nesting is too deep (more than " + std::to_string(kMaxNesting) + " levels)");
    } else {
      diag.Add({}, "document is too large once aliases are expanded (more than 2000000 nodes)");
    }
    return std::nullopt;
  }
  return root;
}

std::optional<std::string> Suggest(std::string_view key, const std::vector<std::string>& allowed) {
  std::optional<std::string> best;
  size_t best_d = 0;
  std::string lower = Lower(key);
  for (const auto& candidate : allowed) {
    size_t d = EditDistance(lower, candidate);
    size_t limit = std::max<size_t>(1, std::min<size_t>(3, candidate.size() / 3 + 1));
    if (d <= limit && (!best || d < best_d)) {
      best = candidate;
      best_d = d;
    }
  }
  return best;
}

SourcePos YamlReader::Pos(const YAML::Node& node) {
  if (!node.IsDefined()) return {};
  YAML::Mark m = node.Mark();
  if (m.line < 0) return {};
  return {m.line + 1, m.column + 1};
}

SourcePos YamlReader::ErrorPos(const YAML::Node& node) const {
  if (null_keys_ && node.IsDefined() && node.IsNull()) {
    for (const auto& [value, key_mark] : *null_keys_) {
      if (value.is(node) && key_mark.line >= 0) return {key_mark.line + 1, key_mark.column + 1};
    }
  }
  return Pos(node);
}

void YamlReader::Error(const YAML::Node& node, std::string message) {
  diag_.Add(ErrorPos(node), std::move(message));
}

std::string YamlReader::Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "nothing";
  }
}

void YamlReader::CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                           std::string_view where) {
  std::set<std::string> seen;
  for (const auto& kv : map) {
    if (!kv.first.IsScalar()) {
      Error(kv.first, std::string("keys in ") + std::string(where) + " must be strings");
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (!seen.insert(key).second) {
      Error(kv.first, "duplicate key '" + key + "' in " + std::string(where));
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string msg = "unknown key '" + key + "' in " + std::string(where);
    if (auto s = Suggest(key, allowed)) msg += " (did you mean '" + *s + "'?)";
    Error(kv.first, msg);
  }
}

bool YamlReader::ExpectMap(const YAML::Node& node, std::string_view what) {
  if (node.IsMap()) return true;
  Error(node, std::string(what) + ": expected a mapping, got " + Describe(node));
  return false;
}

bool YamlReader::ExpectSeq(const YAML::Node& node, std::string_view what) {
  if (node.IsSequence()) return true;
  Error(node, std::string(what) + ": expected a list, got " + Describe(node));
  return false;
}

std::optional<std::string> YamlReader::Str(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) return node.Scalar();
  Error(node, std::string(what) + ": expected a string, got " + Describe(node));
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const YAML::Node& node, std::string_view what) {
  bool value = false;
  if (node.IsScalar() && YAML::convert<bool>::decode(node, value)) return value;
  Error(node, std::string(what) + ": expected true or false, got " + Describe(node));
  return std::nullopt;
}

std::optional<long long> YamlReader::Int(const YAML::Node& node, std::string_view what,
                                         long long min, long long max) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    long long v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) {
      if (v >= min && v <= max) return v;
      Error(node, std::string(what) + ": " + s + " is out of range (" + std::to_string(min) +
                      " to " + std::to_string(max) + ")");
      return std::nullopt;
    }
  }
  Error(node, std::string(what) + ": expected an integer, got " + Describe(node));
  return std::nullopt;
}

std::optional<double> YamlReader::Number(const YAML::Node& node, std::string_view what,
                                         double min) {
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty() && v >= min && v < 1e12) {
      return v;
    }
  }
  Error(node, std::string(what) + ": expected a number >= " +
                  std::to_string(static_cast<int>(min)) + ", got " + Describe(node));
  return std::nullopt;
}

std::optional<Duration> YamlReader::Dur(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    Error(node,
          std::string(what) + ": expected a duration (e.g. 250ms, 5s, 1m), got " + Describe(node));
    return std::nullopt;
  }
  auto d = ParseDuration(node.Scalar());
  if (!d.ok()) {
    Error(node, std::string(what) + ": " + d.status().message());
    return std::nullopt;
  }
  return *d;
}

std::optional<Duration> YamlReader::Timeout(const YAML::Node& node, std::string_view what) {
  auto d = Dur(node, what);
  if (d && d->count() <= 0) {
    Error(node, std::string(what) + ": must be positive, got '" + node.Scalar() +
                    "' (a step with no time to wait could never pass)");
    return std::nullopt;
  }
  return d;
}

std::optional<std::vector<std::string>> YamlReader::StrList(const YAML::Node& node,
                                                            std::string_view what,
                                                            bool allow_single) {
  if (allow_single && node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) {
    Error(node, std::string(what) + ": expected a list of strings, got " + Describe(node));
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const auto& item : node) {
    if (item.IsScalar()) {
      out.push_back(item.Scalar());
    } else {
      Error(item, std::string(what) + ": expected a string, got " + Describe(item));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

bool YamlReader::CheckRegex(const YAML::Node& node, const std::string& regex, std::string_view what,
                            int min_groups, CompiledRegex* compiled) {
  if (regex.size() > kMaxRegexLength) {
    Error(node, std::string(what) + ": regex is too long (" + std::to_string(regex.size()) +
                    " characters; at most " + std::to_string(kMaxRegexLength) + ")");
    return false;
  }
  // ${var} references are expanded (escaped) at run time; compile a stand-in.
  // `origin` maps each probe byte back to the pattern as written.
  std::string probe;
  std::vector<size_t> origin;
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex.compare(i, 2, "${") == 0) {
      size_t close = regex.find('}', i);
      if (close != std::string::npos) {
        probe += 'x';
        origin.push_back(i);
        i = close;
        continue;
      }
    }
    if (regex.compare(i, 2, "$$") == 0) ++i;  // "$$" is a literal "$"
    probe += regex[i];
    origin.push_back(i);
  }
  origin.push_back(regex.size());
  Regex::CompileError error;
  auto re = Regex::Compile(probe, kScenarioRegexFlags, &error);
  if (!re.ok()) {
    size_t at = origin[std::min(error.offset, origin.size() - 1)];
    std::string why = error.message + " at offset " + std::to_string(at);
    if (at > 0) why += " (after '" + regex.substr(0, at) + "')";
    if (!probe.empty() && (probe[0] == '*' || probe[0] == '+' || probe[0] == '?')) {
      why += "; a regex, not a glob: '.*' matches any text";
    }
    Error(node, std::string(what) + ": invalid regex '" + regex + "': " + why);
    return false;
  }
  if (re->capture_count() < min_groups) {
    Error(node, std::string(what) + ": regex '" + regex + "' has no capture group " +
                    "(group 1 is what gets stored)");
    return false;
  }
  if (compiled) *compiled = CompileIfConstant(regex);
  return true;
}

}  // namespace smtp
