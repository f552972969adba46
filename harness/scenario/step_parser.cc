// ScenarioParser: the `steps:` list, client and server mode.
#include <algorithm>
#include <filesystem>
#include <optional>

#include "harness/core/reply.h"
#include "harness/scenario/scenario_parser.h"
#include "harness/scenario/standard_replies.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

// Why `path` (as written in a scenario in `base_dir`) leaves that folder,
// or nullopt when it stays inside: lexically (absolute, "..") and, for a
// file that exists, through symlinks.
std::optional<std::string> OutsideScenarioFolder(const std::string& path,
                                                 const std::string& base_dir) {
  namespace fs = std::filesystem;
  fs::path p(path);
  if (p.is_absolute()) return std::string("is an absolute path");
  fs::path base = base_dir.empty() ? fs::path(".") : fs::path(base_dir);
  fs::path rel = (base / p).lexically_normal().lexically_relative(base.lexically_normal());
  if (rel.empty() || *rel.begin() == "..") return std::string("leaves the scenario's folder");
  std::error_code ec;
  fs::path real = fs::canonical(base / p, ec);
  if (ec) return std::nullopt;  // does not exist: "not found" says so
  fs::path real_base = fs::canonical(base, ec);
  if (ec) return std::nullopt;
  fs::path inside = real.lexically_relative(real_base);
  if (inside.empty() || *inside.begin() == "..") {
    return "leads (through a symlink) out of the scenario's folder, to " + real.string();
  }
  return std::nullopt;
}

}  // namespace
namespace {

const std::vector<std::string> kClientActions = {"send",     "send_raw",    "pipeline", "data",
                                                 "data_raw", "starttls",    "auth",     "mail",
                                                 "sleep",    "expect_close"};
const std::vector<std::string> kServerActions = {"reply", "expect", "expect_data", "expect_close",
                                                 "auth"};
const std::vector<std::string> kCommonStepKeys = {"name", "timeout", "optional", "points"};
const std::vector<std::string> kClientOnlyKeys = {
    "send", "send_raw", "pipeline", "data", "data_raw", "starttls", "mail", "sleep", "requires"};
const std::vector<std::string> kServerOnlyKeys = {"reply", "expect_data", "repeat", "delay",
                                                  "split"};

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::vector<std::string> Concat(std::initializer_list<const std::vector<std::string>*> lists) {
  std::vector<std::string> out;
  for (const auto* l : lists) out.insert(out.end(), l->begin(), l->end());
  return out;
}

std::string JoinKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

}  // namespace

void ScenarioParser::ParseSteps(const YAML::Node& node, Scenario& s) {
  if (!r_.ExpectSeq(node, "steps")) return;
  if (node.size() == 0) {
    r_.Error(node, "steps: is empty (a scenario needs at least one step)");
    return;
  }
  for (const auto& item : node) {
    if (r_.diag().full()) {
      r_.diag().MarkTruncated();
      return;
    }
    Step step;
    step.index = static_cast<int>(s.steps.size());
    step.pos = YamlReader::Pos(item);
    if (!item.IsMap()) {
      r_.Error(item, "step: expected a mapping such as {send: ..., expect: ...}, got " +
                         YamlReader::Describe(item));
      continue;
    }
    bool ok =
        mode_ == ScenarioMode::kClient ? ParseClientStep(item, step) : ParseServerStep(item, step);
    if (!ok) continue;
    ParseCommonStepKeys(item, step);
    if (mode_ == ScenarioMode::kServer) ParseRepetition(item, step);
    DefineCaptures(step);
    s.steps.push_back(std::move(step));
  }
  if (mode_ != ScenarioMode::kServer) return;
  // A separate reply: step after a repeating one would go out only when a
  // command that is not one of the repeats arrives.
  for (size_t i = 0; i + 1 < s.steps.size(); ++i) {
    const Step& a = s.steps[i];
    if ((a.repeat_min != 1 || a.repeat_max != 1) && s.steps[i + 1].kind == StepKind::kReply) {
      r_.Error(s.steps[i + 1].pos,
               "reply: a step with optional: or repeat: cannot be followed by a separate "
               "reply step (give its reply on the step itself)");
    }
  }
}

void ScenarioParser::ParseRepetition(const YAML::Node& node, Step& step) {
  auto repeat = node["repeat"];
  auto optional = node["optional"];
  if (!repeat && !optional) return;
  if (step.kind != StepKind::kExpectCommand) {
    r_.Error(repeat ? repeat : optional,
             std::string(repeat ? "repeat" : "optional") +
                 ": in server mode only an expect: step (a command) can be optional or repeated");
    return;
  }
  if (repeat) {
    if (!r_.ExpectMap(repeat, "repeat (a mapping {min: N, max: M})")) return;
    r_.CheckKeys(repeat, {"min", "max"}, "repeat");
    if (auto n = repeat["min"]) {
      step.repeat_min = static_cast<int>(r_.Int(n, "min", 0, 1'000'000).value_or(1));
    }
    step.repeat_max = kRepeatUnbounded;
    if (auto n = repeat["max"]) {
      step.repeat_max = static_cast<int>(r_.Int(n, "max", 1, 1'000'000).value_or(1));
      if (step.repeat_max < step.repeat_min) {
        r_.Error(n, "repeat: max " + std::to_string(step.repeat_max) + " is below min " +
                        std::to_string(step.repeat_min));
      }
    }
  }
  if (step.optional) {
    if (repeat && repeat["min"] && step.repeat_min > 0) {
      r_.Error(optional, "optional: true means repeat min 0, but repeat gives min " +
                             std::to_string(step.repeat_min) + " (give one of them)");
    }
    step.repeat_min = 0;
  }
}

void ScenarioParser::ParseCommonStepKeys(const YAML::Node& node, Step& step) {
  if (auto n = node["name"]) {
    if (auto v = r_.Str(n, "name")) step.name = *v;
  }
  if (auto n = node["timeout"]) step.timeout = r_.Timeout(n, "timeout");
  if (auto n = node["optional"]) step.optional = r_.Bool(n, "optional").value_or(false);
  if (auto n = node["points"]) step.points = r_.Number(n, "points", 0);
  if (auto n = node["requires"]) {
    if (auto l = r_.StrList(n, "requires")) step.required_extensions = *l;
  }
}

void ScenarioParser::DefineCaptures(const Step& step) {
  for (const auto& m : step.expect) {
    for (const auto& [name, regex] : m.capture) defined_.insert(name);
  }
}

bool ScenarioParser::ParseClientStep(const YAML::Node& node, Step& step) {
  std::vector<std::string> keys;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const std::string& key = kv.first.Scalar();
    if (Has(kServerOnlyKeys, key)) {
      r_.Error(kv.first, "'" + key + "' is a server-mode step key, but this scenario is in " +
                             "client mode (add 'mode: server')");
    }
    if (Has(kClientActions, key) && !Has(keys, key)) keys.push_back(key);
  }
  static const std::vector<std::string> kExtra = {"expect", "requires"};
  static const auto allowed =
      Concat({&kClientActions, &kCommonStepKeys, &kServerOnlyKeys, &kExtra});
  r_.CheckKeys(node, allowed, "step");
  if (keys.size() > 1) {
    r_.Error(node, "step has more than one action (" + JoinKeys(keys) + "); give one per step");
    return false;
  }
  auto expect = node["expect"];
  if (keys.empty()) {
    if (!expect) {
      r_.Error(node, "step has no action (one of " + JoinKeys(kClientActions) + ", or expect)");
      return false;
    }
    step.kind = StepKind::kExpect;
  }
  const std::string action = keys.empty() ? "expect" : keys[0];
  YAML::Node value = keys.empty() ? YAML::Node() : node[action];
  if (action == "send" || action == "send_raw" || action == "data_raw") {
    step.kind = action == "send"       ? StepKind::kSend
                : action == "send_raw" ? StepKind::kSendRaw
                                       : StepKind::kDataRaw;
    if (auto v = r_.Str(value, action)) {
      step.text = *v;
      CheckVars(value, *v, action);
      if (action == "send") CheckCommandLine(value, step.text, "send");
    }
  } else if (action == "pipeline") {
    step.kind = StepKind::kPipeline;
    if (auto l = r_.StrList(value, "pipeline", false)) {
      if (l->empty()) r_.Error(value, "pipeline: is empty");
      size_t i = 0;
      for (const auto& line : *l) {
        CheckVars(value, line, "pipeline");
        CheckCommandLine(value[i++], line, "pipeline");
      }
      step.lines = *l;
    }
  } else if (action == "data") {
    step.kind = StepKind::kData;
    ParseData(value, step);
  } else if (action == "starttls") {
    step.kind = StepKind::kStartTls;
    ParseStartTls(value, step);
  } else if (action == "auth") {
    step.kind = StepKind::kAuth;
    ParseAuth(value, step);
  } else if (action == "mail") {
    step.kind = StepKind::kMail;
    ParseMail(value, step);
  } else if (action == "sleep") {
    step.kind = StepKind::kSleep;
    if (auto d = r_.Dur(value, "sleep")) step.sleep = *d;
  } else if (action == "expect_close") {
    step.kind = StepKind::kExpectClose;
    if (auto b = r_.Bool(value, "expect_close"); b && !*b) {
      r_.Error(value, "expect_close: must be true (leave the step out otherwise)");
    }
    if (expect) r_.Error(expect, "expect: not allowed with expect_close");
    return true;
  }

  if (expect) {
    if (step.kind == StepKind::kPipeline) {
      if (r_.ExpectSeq(expect, "expect (one matcher per pipelined line)")) {
        for (const auto& item : expect) {
          if (auto m = ParseReplyMatcher(item)) step.expect.push_back(std::move(*m));
        }
        if (expect.size() != step.lines.size() && !step.lines.empty()) {
          r_.Error(expect, "expect: the pipeline sends " + std::to_string(step.lines.size()) +
                               " lines but has " + std::to_string(expect.size()) +
                               " matchers (one per line)");
        }
      }
    } else if (step.kind == StepKind::kSleep) {
      r_.Error(expect, "expect: not allowed with sleep");
    } else if (auto m = ParseReplyMatcher(expect)) {
      step.expect.push_back(std::move(*m));
    }
  } else if (step.kind == StepKind::kStartTls || step.kind == StepKind::kAuth ||
             step.kind == StepKind::kMail) {
    ReplyMatcher m;
    m.pos = step.pos;
    m.codes = {step.kind == StepKind::kStartTls ? "220"
               : step.kind == StepKind::kAuth   ? "235"
                                                : "2xx"};
    step.expect.push_back(std::move(m));
  }
  return true;
}

void ScenarioParser::CheckCommandLine(const YAML::Node& node, const std::string& line,
                                      std::string_view what) {
  size_t at = line.find_first_of("\r\n");
  if (at == std::string::npos) return;
  std::string shown = line.substr(0, std::min<size_t>(at, 40));
  r_.Error(node, std::string(what) + ": a command line cannot contain " +
                     (line[at] == '\r' ? "CR" : "LF") + " (after \"" + shown +
                     "\"; an unclosed quote runs on into the next lines); use send_raw for "
                     "exact bytes");
}

void ScenarioParser::ParseData(const YAML::Node& value, Step& step) {
  if (value.IsScalar()) {
    step.text = value.Scalar();
    CheckVars(value, step.text, "data");
    return;
  }
  if (!value.IsMap()) {
    r_.Error(value,
             "data: expected the message text or {file: PATH}, got " + YamlReader::Describe(value));
    return;
  }
  r_.CheckKeys(value, {"file"}, "data");
  auto file = value["file"];
  if (!file) {
    r_.Error(value, "data: missing 'file'");
    return;
  }
  auto path = r_.Str(file, "file");
  if (!path) return;
  std::filesystem::path p(*path);
  if (p.is_relative()) p = std::filesystem::path(base_dir_) / p;
  step.data_file = p.lexically_normal().string();
  std::error_code ec;
  if (!options_.allow_outside_files) {
    if (auto why = OutsideScenarioFolder(*path, base_dir_)) {
      r_.Error(file, "data: file '" + *path + "' " + *why +
                         "; a scenario may only read files in its own folder "
                         "(--allow-outside-files allows it)");
      return;
    }
  }
  if (options_.check_data_files && !std::filesystem::is_regular_file(step.data_file, ec)) {
    if (std::filesystem::exists(step.data_file, ec)) {
      // A FIFO would block the load, a device or folder is not a message.
      r_.Error(file, "data: file '" + *path +
                         "' is not a regular file (a folder, FIFO or device); give a message file");
      return;
    }
    r_.Error(file, "data: file '" + *path + "' not found" +
                       (std::filesystem::path(*path).is_relative()
                            ? " (relative paths are resolved against the scenario's folder)"
                            : ""));
  }
}

void ScenarioParser::ParseStartTls(const YAML::Node& value, Step& step) {
  if (value.IsScalar()) {
    if (auto b = r_.Bool(value, "starttls"); b && !*b) {
      r_.Error(value,
               "starttls: must be true or {verify: BOOL, inject: STRING} (leave the step out "
               "otherwise)");
    }
    return;
  }
  if (value.IsNull()) return;
  if (!r_.ExpectMap(value, "starttls")) return;
  r_.CheckKeys(value, {"verify", "inject"}, "starttls");
  if (auto v = value["verify"]) step.tls_verify = r_.Bool(v, "verify").value_or(false);
  if (auto v = value["inject"]) {
    if (auto s = r_.Str(v, "inject")) {
      if (s->empty()) r_.Error(v, "inject: is empty");
      step.tls_inject = *s;
    }
  }
}

void ScenarioParser::ParseAuth(const YAML::Node& value, Step& step) {
  if (!r_.ExpectMap(value, "auth")) return;
  r_.CheckKeys(value, {"mechanism", "username", "password"}, "auth");
  step.auth_mechanism = "PLAIN";
  if (auto m = value["mechanism"]) {
    if (auto s = r_.Str(m, "mechanism")) {
      std::string upper = Upper(*s);
      if (upper != "PLAIN" && upper != "LOGIN") {
        r_.Error(m, "mechanism: unsupported '" + *s + "' (expected PLAIN or LOGIN)");
      }
      step.auth_mechanism = upper;
    }
  }
  for (auto [key, field] :
       {std::pair{"username", &step.auth_username}, std::pair{"password", &step.auth_password}}) {
    auto n = value[key];
    if (!n) {
      r_.Error(value, std::string("auth: missing '") + key + "'");
      continue;
    }
    if (auto s = r_.Str(n, key)) {
      *field = *s;
      CheckVars(n, *s, key);
    }
  }
}

void ScenarioParser::ParseMail(const YAML::Node& value, Step& step) {
  if (!r_.ExpectMap(value, "mail")) return;
  r_.CheckKeys(value, {"from", "to", "data"}, "mail");
  if (auto f = value["from"]) {
    if (auto s = r_.Str(f, "from")) {
      step.mail_from = *s;
      CheckVars(f, *s, "from");
    }
  } else {
    r_.Error(value, "mail: missing 'from'");
  }
  if (auto t = value["to"]) {
    if (auto l = r_.StrList(t, "to")) {
      if (l->empty()) r_.Error(t, "to: needs at least one recipient");
      for (const auto& s : *l) CheckVars(t, s, "to");
      step.mail_to = *l;
    }
  } else {
    r_.Error(value, "mail: missing 'to'");
  }
  if (auto d = value["data"]) {
    if (auto s = r_.Str(d, "data")) {
      step.mail_data = *s;
      CheckVars(d, *s, "data");
    }
  }
}

bool ScenarioParser::ParseServerStep(const YAML::Node& node, Step& step) {
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const std::string& key = kv.first.Scalar();
    if (Has(kClientOnlyKeys, key)) {
      r_.Error(kv.first,
               "'" + key + "' is a client-mode step key, but this scenario is in " + "server mode");
    }
  }
  static const std::vector<std::string> kServerExtra = {"repeat", "delay", "split"};
  static const auto allowed =
      Concat({&kServerActions, &kCommonStepKeys, &kClientOnlyKeys, &kServerExtra});
  r_.CheckKeys(node, allowed, "step");
  auto expect = node["expect"], expect_data = node["expect_data"], reply = node["reply"],
       close = node["expect_close"], auth = node["auth"];
  if (auth) {
    // The client's AUTH PLAIN or LOGIN exchange, its credentials checked
    // against username/password (variables, so none is written in clear);
    // `reply` is the final reply (default 235).
    step.kind = StepKind::kAuth;
    if (expect || expect_data || close) {
      r_.Error(node, "auth: cannot be combined with expect, expect_data or expect_close");
      return false;
    }
    ParseAuth(auth, step);
    if (!auth["mechanism"]) step.auth_mechanism.clear();  // either
    if (reply) ParseServerReply(reply, step);
    ParseReplyPacing(node, step);
    return true;
  }
  if (expect && expect_data) {
    r_.Error(node, "step has both expect and expect_data; give one per step");
    return false;
  }
  if (close) {
    step.kind = StepKind::kExpectClose;
    if (auto b = r_.Bool(close, "expect_close"); b && !*b) {
      r_.Error(close, "expect_close: must be true (leave the step out otherwise)");
    }
    if (expect || expect_data || reply) {
      r_.Error(node, "expect_close: cannot be combined with expect, expect_data or reply");
    }
    if (node["delay"] || node["split"]) {
      r_.Error(node, "expect_close: sends no reply, so it takes no delay or split");
    }
    return true;
  }
  if (expect) {
    step.kind = StepKind::kExpectCommand;
    if (auto m = ParseCommandMatcher(expect)) step.command = *m;
  } else if (expect_data) {
    step.kind = StepKind::kExpectData;
    if (auto m = ParseDataMatcher(expect_data)) step.data = *m;
  } else if (reply) {
    step.kind = StepKind::kReply;
  } else {
    r_.Error(node, "step has no action (one of " + JoinKeys(kServerActions) + ")");
    return false;
  }
  if (reply) ParseServerReply(reply, step);
  ParseReplyPacing(node, step);
  return true;
}

void ScenarioParser::ParseReplyPacing(const YAML::Node& node, Step& step) {
  if (auto n = node["delay"]) step.reply_delay = r_.Dur(n, "delay").value_or(Duration(0));
  if (auto n = node["split"]) {
    if (n.IsMap()) {
      r_.CheckKeys(n, {"bytes", "delay"}, "split");
      if (auto b = n["bytes"]) step.split_bytes = r_.Int(b, "bytes", 1, 1 << 20).value_or(0);
      if (auto d = n["delay"]) step.split_delay = r_.Dur(d, "delay").value_or(Duration(0));
      if (!n["bytes"]) r_.Error(n, "split: needs bytes (the size of each piece)");
    } else {
      step.split_bytes = r_.Int(n, "split", 1, 1 << 20).value_or(0);
    }
  }
}

void ScenarioParser::ParseServerReply(const YAML::Node& node, Step& step) {
  std::optional<std::string> text;
  if (node.IsSequence()) {  // the lines of a multi-line reply
    if (auto lines = r_.StrList(node, "reply", false)) {
      if (lines->empty()) r_.Error(node, "reply: is empty");
      std::string joined;
      for (const auto& l : *lines) joined += (joined.empty() ? "" : "\n") + l;
      text = joined;
    }
  } else {
    text = r_.Str(node, "reply");
  }
  if (!text || text->empty()) return;
  CheckVars(node, *text, "reply");
  auto expanded = ExpandStandardReply(*text);
  if (!expanded.ok()) {
    r_.Error(node, expanded.status().message());
    return;
  }
  step.text = *expanded;
}

}  // namespace smtp
