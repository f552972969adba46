// ScenarioParser: the top level of a scenario file.
#include "harness/scenario/scenario_parser.h"

#include <algorithm>

#include "harness/scenario/server_block_parser.h"
#include "harness/scenario/transcript_form.h"
#include "harness/util/listen_address.h"
#include "harness/util/target.h"

namespace smtp {
namespace {

const std::vector<std::string> kCommonKeys = {"name",     "description", "tags",   "mode",
                                              "timeout",  "vars",        "steps",  "transcript",
                                              "requires", "rfc",         "points", "server"};
const std::vector<std::string> kClientKeys = {"target"};
const std::vector<std::string> kServerKeys = {"listen", "client", "client_shell", "strict",
                                              "sessions"};

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

void ScenarioParser::CheckVars(const YAML::Node& node, const std::string& text,
                               std::string_view what) {
  if (text.find('$') == std::string::npos) return;
  CheckVars(YamlReader::Pos(node), text, what);
}

void ScenarioParser::CheckVars(SourcePos pos, const std::string& text, std::string_view what) {
  auto refs = ScanVarRefs(text);
  if (!refs.ok()) {
    r_.Error(pos, std::string(what) + ": " + refs.status().message());
    return;
  }
  for (const auto& ref : *refs) {
    if (ref.env) {
      if (!options_.env(ref.name)) {
        r_.Error(pos, std::string(what) + ": environment variable " + ref.name +
                          " is not set (used as ${env:" + ref.name + "})");
      }
      continue;
    }
    if (defined_.count(ref.name)) continue;
    std::string msg = std::string(what) + ": undefined variable ${" + ref.name +
                      "} (define it in vars:, with --var, or capture it in an earlier step)";
    std::vector<std::string> names(defined_.begin(), defined_.end());
    if (auto s = Suggest(ref.name, names)) msg += "; did you mean ${" + *s + "}?";
    r_.Error(pos, msg);
  }
}

void ScenarioParser::ParseRoot(const YAML::Node& root, Scenario& s) {
  if (root.IsNull()) {
    r_.Error(SourcePos{},
             "the file is empty (a scenario needs at least 'steps:' or 'transcript:')");
    return;
  }
  if (!root.IsMap()) {
    r_.Error(root, "a scenario must be a mapping (name:, steps:, ...), got " +
                       YamlReader::Describe(root));
    return;
  }
  if (auto m = root["mode"]) {
    if (auto v = r_.Str(m, "mode")) {
      if (*v == "client") {
        mode_ = ScenarioMode::kClient;
      } else if (*v == "server") {
        mode_ = ScenarioMode::kServer;
      } else {
        r_.Error(m, "mode: expected client or server, got '" + *v + "'");
      }
    }
  }
  s.mode = mode_;
  const auto& own = mode_ == ScenarioMode::kClient ? kClientKeys : kServerKeys;
  const auto& other = mode_ == ScenarioMode::kClient ? kServerKeys : kClientKeys;
  std::vector<std::string> allowed = kCommonKeys;
  allowed.insert(allowed.end(), own.begin(), own.end());
  allowed.insert(allowed.end(), other.begin(), other.end());
  r_.CheckKeys(root, allowed, "scenario");
  for (const auto& kv : root) {
    if (kv.first.IsScalar() && Has(other, kv.first.Scalar())) {
      r_.Error(kv.first, "'" + kv.first.Scalar() + "' applies only to " +
                             (mode_ == ScenarioMode::kClient ? "server" : "client") +
                             " mode, but this scenario is in " +
                             (mode_ == ScenarioMode::kClient ? "client" : "server") + " mode" +
                             (mode_ == ScenarioMode::kClient ? " (add 'mode: server')" : ""));
    }
  }

  if (auto n = root["name"]) {
    if (auto v = r_.Str(n, "name")) {
      if (v->empty()) r_.Error(n, "name: is empty");
      s.name = *v;
    }
  }
  if (auto n = root["description"]) s.description = r_.Str(n, "description").value_or("");
  if (auto n = root["tags"]) s.tags = r_.StrList(n, "tags").value_or(std::vector<std::string>{});
  if (auto n = root["requires"]) {
    s.required_extensions = r_.StrList(n, "requires").value_or(std::vector<std::string>{});
  }
  if (auto n = root["rfc"]) s.rfc = r_.StrList(n, "rfc").value_or(std::vector<std::string>{});
  if (auto n = root["timeout"]) s.timeout = r_.Timeout(n, "timeout").value_or(s.timeout);
  if (auto n = root["points"]) s.points = r_.Number(n, "points", 0);
  if (auto n = root["target"]) {
    if (auto v = r_.Str(n, "target")) {
      CheckTarget(n, *v);
      s.target = *v;
    }
  }
  if (mode_ == ScenarioMode::kClient) {
    if (auto n = root["server"]) ParseServerBlock(r_, n, s.server, /*standalone=*/false);
  } else {
    // The scripted server is not the RFC server the block configures; only
    // its TLS (a 220 to STARTTLS starts TLS with it) and the message size
    // cap (advertised as SIZE in EHLO replies unless advertise_size: false)
    // apply.
    if (auto n = root["server"]) {
      if (n.IsMap()) {
        for (const auto& kv : n) {
          if (!kv.first.IsScalar()) continue;
          const std::string& key = kv.first.Scalar();
          if (key != "tls" && key != "max_message_size" && key != "advertise_size")
            r_.Error(kv.first, "'" + key +
                                   "': in server mode only 'tls', 'max_message_size' and "
                                   "'advertise_size' of the server block apply");
        }
      }
      ParseServerBlock(r_, n, s.server, /*standalone=*/false);
    }
    ParseServerModeKeys(root, s);
  }

  for (const auto& [name, value] : options_.vars) defined_.insert(name);
  if (auto n = root["vars"]) ParseVars(n, s);

  auto steps = root["steps"], transcript = root["transcript"];
  if (steps && transcript) {
    r_.Error(transcript, "give either 'steps:' or 'transcript:', not both");
    ParseSteps(steps, s);  // still report what is wrong in them
  } else if (steps) {
    ParseSteps(steps, s);
  } else if (transcript) {
    ParseTranscript(transcript, s);
  } else {
    r_.Error(root, "scenario has no steps (give 'steps:' or 'transcript:')");
  }
}

// The same rule as --target (ParseTarget): smtp://HOST without a port
// means port 25 in a file too.
void ScenarioParser::CheckTarget(const YAML::Node& node, const std::string& target) {
  if (target.find("${") != std::string::npos) return;
  auto parsed = ParseTarget(target);
  if (!parsed.ok()) r_.Error(node, "target: " + parsed.status().message());
}

void ScenarioParser::ParseVars(const YAML::Node& node, Scenario& s) {
  if (!r_.ExpectMap(node, "vars")) return;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    auto name = r_.Str(kv.first, "vars");
    if (!name) continue;
    if (!IsValidVarName(*name)) {
      r_.Error(kv.first, "vars: invalid variable name '" + *name +
                             "' (letters, digits, '_', '-', '.'; starting with a letter or '_')");
      continue;
    }
    if (!seen.insert(*name).second) {
      r_.Error(kv.first, "vars: duplicate variable '" + *name + "'");
      continue;
    }
    auto value = r_.Str(kv.second, "vars: " + *name);
    if (!value) continue;
    if (!options_.vars.count(*name)) CheckVars(kv.second, *value, "vars: " + *name);
    s.vars.emplace_back(*name, *value);
    defined_.insert(*name);
  }
}

void ScenarioParser::ParseServerModeKeys(const YAML::Node& root, Scenario& s) {
  if (auto n = root["listen"]) {
    if (auto v = r_.Str(n, "listen")) {
      auto parsed = ParseListenAddress(*v);
      if (parsed.ok()) {
        s.listen = *v;
      } else {
        r_.Error(n, parsed.status().message());
      }
    }
  }
  if (auto n = root["client"]) {
    if (auto v = r_.Str(n, "client")) {
      if (v->empty()) r_.Error(n, "client: is empty");
      s.client = *v;
    }
  }
  if (auto n = root["client_shell"]) s.client_shell = r_.Bool(n, "client_shell").value_or(false);
  if (auto n = root["sessions"])
    s.sessions = static_cast<int>(r_.Int(n, "sessions", 1, 1000).value_or(1));
  if (auto n = root["strict"]) {
    if (n.IsScalar()) {  // strict: true turns every check on
      bool all = r_.Bool(n, "strict").value_or(false);
      s.strict.crlf = s.strict.pipelining = s.strict.quit = all;
    } else if (r_.ExpectMap(n, "strict")) {
      r_.CheckKeys(n, {"crlf", "pipelining", "quit"}, "strict");
      if (auto b = n["crlf"]) s.strict.crlf = r_.Bool(b, "crlf").value_or(false);
      if (auto b = n["pipelining"]) s.strict.pipelining = r_.Bool(b, "pipelining").value_or(false);
      if (auto b = n["quit"]) s.strict.quit = r_.Bool(b, "quit").value_or(true);
    }
  }
}

void ScenarioParser::ParseTranscript(const YAML::Node& node, Scenario& s) {
  auto text = r_.Str(node, "transcript");
  if (!text) return;
  s.from_transcript = true;
  s.transcript_pos = YamlReader::Pos(node);
  // A literal block (`transcript: |`) keeps lines, so each transcript line
  // maps to a source line; otherwise every line gets the scalar's position.
  YAML::Mark mark = node.Mark();
  bool literal =
      mark.pos >= 0 && static_cast<size_t>(mark.pos) < source_.size() && source_[mark.pos] == '|';
  std::vector<size_t> line_starts = {0};
  if (literal) {
    for (size_t i = 0; i < source_.size(); ++i) {
      if (source_[i] == '\n') line_starts.push_back(i + 1);
    }
  }
  auto pos_of = [&](int i) -> SourcePos {
    if (!literal) return s.transcript_pos;
    size_t line0 = static_cast<size_t>(mark.line) + 1 + static_cast<size_t>(i);
    if (line0 >= line_starts.size()) return s.transcript_pos;
    size_t p = line_starts[line0];
    int col = 1;
    while (p < source_.size() && source_[p] == ' ') {
      ++p;
      ++col;
    }
    return {static_cast<int>(line0) + 1, col};
  };
  auto lines = SplitTranscript(*text, pos_of, r_.diag());
  if (lines.empty()) {
    r_.Error(node, "transcript: has no C: or S: lines");
    return;
  }
  s.steps = BuildTranscriptSteps(lines, mode_, r_.diag());
  // Variables in transcript lines are checked like those of steps.
  for (const auto& step : s.steps) {
    CheckVars(step.pos, step.text, "transcript");
    for (const auto& l : step.lines) CheckVars(step.pos, l, "transcript");
    if (step.command.glob) CheckVars(step.pos, *step.command.glob, "transcript");
  }
}

}  // namespace smtp
