#include "harness/scenario/server_block_parser.h"

#include <cctype>
#include <charconv>

#include "harness/core/reply.h"
#include "harness/scenario/server_config_yaml.h"
#include "harness/util/alternatives.h"
#include "harness/util/ascii.h"
#include "harness/util/listen_address.h"

namespace smtp {
namespace {

const std::vector<std::string> kServerKeys = {"hostname",
                                              "greeting",
                                              "extensions",
                                              "max_message_size",
                                              "advertise_size",
                                              "max_recipients",
                                              "max_sessions",
                                              "idle_timeout",
                                              "accept_bare_lf",
                                              "auth",
                                              "tls",
                                              "rules",
                                              "bare_newlines",
                                              "command_timeout",
                                              "data_timeout",
                                              "max_sessions_per_client"};
const std::vector<std::string> kStandaloneKeys = {"listen", "port"};
const std::vector<std::string> kRuleKeys = {
    "when",  "reply",       "times",       "nth", "delay",           "action",
    "split", "split_delay", "after_bytes", "on",  "case_insensitive"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

void ParseReplyText(YamlReader& r, const YAML::Node& node, std::optional<std::string>& out) {
  auto s = r.Str(node, "reply");
  if (!s) return;
  auto reply = ReplyFromText(*s);
  if (!reply.ok()) {
    r.Error(node, reply.status().message());
    return;
  }
  out = *s;
}

void ParseRule(YamlReader& r, const YAML::Node& node, FaultRule& rule) {
  r.CheckKeys(node, kRuleKeys, "rule");
  rule.source_line = YamlReader::Pos(node).line;
  if (auto n = node["on"]) {
    if (auto s = r.Str(n, "on")) {
      std::string v = Lower(*s);
      if (v == "command") {
        rule.on = FaultRule::On::kCommand;
      } else if (v == "connect") {
        rule.on = FaultRule::On::kConnect;
      } else if (v == "message") {
        rule.on = FaultRule::On::kMessage;
      } else {
        r.Error(n, "on: unknown '" + *s + "' (expected command, connect or message)");
      }
    }
  }
  if (auto n = node["when"]) {
    if (auto s = r.Str(n, "when")) {
      if (s->empty()) {
        r.Error(n, "when: is empty");
      } else if (s->size() >= 2 && s->front() == '/' && s->back() == '/') {
        r.CheckRegex(n, s->substr(1, s->size() - 2), "when");
      }
      rule.when = *s;
    }
  } else if (rule.on == FaultRule::On::kCommand) {
    r.Error(node, "rule: missing 'when' (a glob or /regex/ on the command line)");
  }
  if (auto n = node["case_insensitive"]) {
    rule.case_insensitive = r.Bool(n, "case_insensitive").value_or(true);
  }
  if (auto n = node["reply"]) ParseReplyText(r, n, rule.reply);
  if (auto n = node["action"]) {
    if (auto s = r.Str(n, "action")) {
      std::string v = Lower(*s);
      if (v == "reply") {
        rule.action = FaultRule::Action::kReply;
      } else if (v == "disconnect") {
        rule.action = FaultRule::Action::kDisconnect;
      } else if (v == "drop" || v == "drop_in_data") {
        rule.action = FaultRule::Action::kDropInData;
      } else {
        r.Error(n, "action: unknown '" + *s + "' (expected reply, disconnect or drop)");
      }
    }
  }
  // Without `reply`, a rule can still slow down or split the normal reply.
  if (rule.action == FaultRule::Action::kReply && !node["reply"] && !node["delay"] &&
      !node["split"]) {
    r.Error(node,
            "rule: needs 'reply', 'delay' or 'split' (or 'action: disconnect' / 'action: drop')");
  }
  if (auto n = node["times"])
    rule.times = static_cast<int>(r.Int(n, "times", 0, 1'000'000).value_or(0));
  if (auto n = node["nth"]) rule.nth = static_cast<int>(r.Int(n, "nth", 1, 1'000'000).value_or(0));
  if (auto n = node["delay"]) rule.delay = r.Dur(n, "delay").value_or(Duration(0));
  if (auto n = node["split"]) {
    if (n.IsMap()) {
      r.CheckKeys(n, {"bytes", "delay"}, "split");
      if (auto b = n["bytes"]) rule.split_bytes = r.Int(b, "bytes", 1, 1 << 20).value_or(0);
      if (auto d = n["delay"]) rule.split_delay = r.Dur(d, "delay").value_or(Duration(0));
    } else {
      rule.split_bytes = r.Int(n, "split", 1, 1 << 20).value_or(0);
    }
  }
  if (auto n = node["split_delay"])
    rule.split_delay = r.Dur(n, "split_delay").value_or(Duration(0));
  if (auto n = node["after_bytes"]) {
    rule.after_bytes = r.Int(n, "after_bytes", 0, 1LL << 40).value_or(0);
  }
}

std::optional<size_t> SizeValue(YamlReader& r, const YAML::Node& n, std::string_view what) {
  if (n.IsScalar()) {
    if (auto v = ParseByteSize(n.Scalar())) return v;
  }
  r.Error(n, std::string(what) + ": expected a size such as 10MB, 512KB or 1024, got " +
                 YamlReader::Describe(n));
  return std::nullopt;
}

}  // namespace

std::optional<size_t> ParseByteSize(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  size_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p == text.data()) return std::nullopt;
  std::string unit = Lower(std::string(p, text.data() + text.size()));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  size_t mult = 1;
  if (unit.empty() || unit == "b") {
    mult = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    mult = size_t{1} << 10;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    mult = size_t{1} << 20;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    mult = size_t{1} << 30;
  } else {
    return std::nullopt;
  }
  if (value > (size_t{1} << 50) / mult) return std::nullopt;
  return value * mult;
}

namespace {

using BareNewlines = FakeServerConfig::BareNewlines;
const std::pair<const char*, BareNewlines> kBareNewlines[] = {
    {"reject", BareNewlines::kReject},
    {"disconnect", BareNewlines::kDisconnect},
    {"normalize", BareNewlines::kNormalize},
    {"lax", BareNewlines::kLax}};

}  // namespace

const std::vector<std::string>& BareNewlinesNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, mode] : kBareNewlines) out.push_back(name);
    return out;
  }();
  return names;
}

std::optional<FakeServerConfig::BareNewlines> ParseBareNewlines(std::string_view text) {
  for (const auto& [name, mode] : kBareNewlines) {
    if (text == name) return mode;
  }
  return std::nullopt;
}

void ParseServerBlock(YamlReader& r, const YAML::Node& node, FakeServerConfig& c, bool standalone) {
  if (node.IsNull()) return;  // `server:` with nothing: the defaults
  if (!r.ExpectMap(node, "server")) return;
  std::vector<std::string> keys = kServerKeys;
  if (standalone) keys.insert(keys.end(), kStandaloneKeys.begin(), kStandaloneKeys.end());
  r.CheckKeys(node, keys, "server");
  if (auto n = node["hostname"]) {
    if (auto s = r.Str(n, "hostname")) {
      if (s->empty() || s->find_first_of(" \t\r\n") != std::string::npos) {
        r.Error(n, "hostname: must be one word, got '" + *s + "'");
      } else {
        c.hostname = *s;
      }
    }
  }
  if (auto n = node["greeting"]) {
    if (auto s = r.Str(n, "greeting")) c.greeting = *s;
  }
  if (auto n = node["extensions"]) {
    if (auto l = r.StrList(n, "extensions", false)) c.extensions = *l;
  }
  if (auto n = node["max_message_size"]) {
    if (auto v = SizeValue(r, n, "max_message_size")) c.max_message_size = *v;
  }
  if (auto n = node["advertise_size"]) {
    c.advertise_size = r.Bool(n, "advertise_size").value_or(true);
  }
  if (auto n = node["max_recipients"]) {
    c.max_recipients = r.Int(n, "max_recipients", 1, 1'000'000).value_or(c.max_recipients);
  }
  if (auto n = node["max_sessions"]) {
    c.max_sessions = r.Int(n, "max_sessions", 1, 1'000'000).value_or(c.max_sessions);
  }
  if (auto n = node["idle_timeout"])
    c.idle_timeout = r.Dur(n, "idle_timeout").value_or(c.idle_timeout);
  if (auto n = node["accept_bare_lf"]) {
    c.accept_bare_lf = r.Bool(n, "accept_bare_lf").value_or(false);
  }
  if (auto n = node["bare_newlines"]) {
    if (auto s = r.Str(n, "bare_newlines")) {
      if (auto mode = ParseBareNewlines(*s)) {
        c.bare_newlines = *mode;
      } else {
        r.Error(n, "bare_newlines: unknown '" + *s + "' (expected " +
                       AlternativesText(BareNewlinesNames()) + ")");
      }
    }
  }
  if (auto n = node["command_timeout"])
    c.command_timeout = r.Dur(n, "command_timeout").value_or(c.command_timeout);
  if (auto n = node["data_timeout"])
    c.data_timeout = r.Dur(n, "data_timeout").value_or(c.data_timeout);
  if (auto n = node["max_sessions_per_client"]) {
    c.max_sessions_per_client =
        r.Int(n, "max_sessions_per_client", 0, 1'000'000).value_or(c.max_sessions_per_client);
  }
  if (auto a = node["auth"]; a && r.ExpectMap(a, "auth")) {
    r.CheckKeys(a, {"users", "required", "mechanisms"}, "auth");
    if (auto u = a["users"]; u && r.ExpectMap(u, "users")) {
      for (const auto& kv : u) {
        auto name = r.Str(kv.first, "users");
        auto pass = r.Str(kv.second, "users: password");
        if (name && pass) c.auth.users[*name] = *pass;
      }
    }
    if (auto n = a["required"]) c.auth.required = r.Bool(n, "required").value_or(false);
    if (auto n = a["mechanisms"]) {
      if (auto l = r.StrList(n, "mechanisms")) {
        for (auto& m : *l) {
          m = Upper(m);
          if (m != "PLAIN" && m != "LOGIN") {
            r.Error(n, "mechanisms: unsupported '" + m + "' (expected PLAIN, LOGIN)");
          }
        }
        c.auth.mechanisms = *l;
      }
    }
  }
  if (auto t = node["tls"]; t && r.ExpectMap(t, "tls")) {
    r.CheckKeys(t, {"starttls", "implicit", "cert_file", "key_file"}, "tls");
    if (auto n = t["starttls"]) c.tls.starttls = r.Bool(n, "starttls").value_or(false);
    if (auto n = t["implicit"]) c.tls.implicit = r.Bool(n, "implicit").value_or(false);
    if (auto n = t["cert_file"]) c.tls.cert_file = r.Str(n, "cert_file").value_or("");
    if (auto n = t["key_file"]) c.tls.key_file = r.Str(n, "key_file").value_or("");
    if (c.tls.cert_file.empty() != c.tls.key_file.empty()) {
      r.Error(t, "tls: give both cert_file and key_file, or neither");
    }
  }
  if (auto rules = node["rules"]; rules && r.ExpectSeq(rules, "rules")) {
    for (const auto& item : rules) {
      if (!r.ExpectMap(item, "rule")) continue;
      FaultRule rule;
      ParseRule(r, item, rule);
      c.rules.push_back(std::move(rule));
    }
  }
  if (standalone) {
    if (auto n = node["listen"]) {
      if (auto s = r.Str(n, "listen")) {
        // HOST:PORT, or a HOST alone (the port then comes from `port:`).
        bool bare_v6 = s->front() != '[' && s->find(':') != s->rfind(':');
        bool host_only =
            bare_v6 || s->find(':') == std::string::npos || (s->front() == '[' && s->back() == ']');
        auto parsed = ParseListenAddress(bare_v6 ? "[" + *s + "]:0" : host_only ? *s + ":0" : *s);
        if (!parsed.ok()) {
          r.Error(n, parsed.status().message());
        } else {
          c.listen_host = parsed->host;
          if (!host_only) c.port = parsed->port;
        }
      }
    }
    if (auto n = node["port"])
      c.port = static_cast<uint16_t>(r.Int(n, "port", 0, 65535).value_or(c.port));
  }
}

}  // namespace smtp
