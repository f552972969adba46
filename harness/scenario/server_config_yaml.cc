#include "harness/scenario/server_config_yaml.h"

#include <yaml-cpp/yaml.h>

#include <set>


namespace smtp {
namespace {

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  Status Error(const YAML::Node& n, const std::string& what) const {
    auto m = n.Mark();
    return Status::InvalidArgument(file_ + ":" + std::to_string(m.line + 1) + ":" +
                                   std::to_string(m.column + 1) + ": " + what);
  }
  Status String(const YAML::Node& n, const std::string& key, std::string& out) const {
    if (!n.IsScalar()) return Error(n, key + ": expected a string");
    out = n.Scalar();
    return Status::Ok();
  }
  template <typename Int>
  Status Integer(const YAML::Node& n, const std::string& key, Int& out) const {
    if (!n.IsScalar()) return Error(n, key + ": expected an integer");
    const std::string& s = n.Scalar();
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 18) {
      return Error(n, key + ": expected a non-negative integer, got '" + s + "'");
    }
    out = static_cast<Int>(std::stoull(s));
    return Status::Ok();
  }
  Status Bool(const YAML::Node& n, const std::string& key, bool& out) const {
    if (!n.IsScalar()) return Error(n, key + ": expected true or false");
    const std::string& s = n.Scalar();
    if (s == "true" || s == "yes" || s == "on") {
      out = true;
    } else if (s == "false" || s == "no" || s == "off") {
      out = false;
    } else {
      return Error(n, key + ": expected true or false, got '" + s + "'");
    }
    return Status::Ok();
  }
  Status Dur(const YAML::Node& n, const std::string& key, Duration& out) const {
    if (!n.IsScalar()) return Error(n, key + ": expected a duration such as 250ms or 5s");
    auto d = ParseDuration(n.Scalar());
    if (!d.ok()) return Error(n, key + ": " + d.status().message());
    out = *d;
    return Status::Ok();
  }
  Status Keys(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) return Error(map, where + ": expected a mapping");
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      if (!allowed.count(k)) return Error(kv.first, where + ": unknown key '" + k + "'");
    }
    return Status::Ok();
  }

 private:
  std::string file_;
};

#define RETURN_IF_ERROR(expr)        \
  do {                               \
    if (auto _s = (expr); !_s.ok()) return _s; \
  } while (0)

Status ParseRule(const Reader& r, const YAML::Node& n, const std::string& where, FaultRule& rule) {
  RETURN_IF_ERROR(r.Keys(n, where, {"when", "on", "reply", "times", "nth", "delay", "action",
                                    "split_bytes", "split_delay", "after_bytes", "case_sensitive"}));
  rule.source_line = n.Mark().line + 1;
  if (n["on"]) {
    std::string on;
    RETURN_IF_ERROR(r.String(n["on"], where + ".on", on));
    if (on == "command") {
      rule.on = FaultRule::On::kCommand;
    } else if (on == "connect") {
      rule.on = FaultRule::On::kConnect;
    } else if (on == "message") {
      rule.on = FaultRule::On::kMessage;
    } else {
      return r.Error(n["on"], where + ".on: expected command, connect or message, got '" + on + "'");
    }
  }
  if (n["when"]) RETURN_IF_ERROR(r.String(n["when"], where + ".when", rule.when));
  if (rule.on == FaultRule::On::kCommand && rule.when.empty()) {
    return r.Error(n, where + ": a command rule needs `when:` (a glob or /regex/)");
  }
  if (n["reply"]) {
    std::string reply;
    RETURN_IF_ERROR(r.String(n["reply"], where + ".reply", reply));
    while (!reply.empty() && reply.back() == '\n') reply.pop_back();
    rule.reply = reply;
  }
  if (n["times"]) RETURN_IF_ERROR(r.Integer(n["times"], where + ".times", rule.times));
  if (n["nth"]) RETURN_IF_ERROR(r.Integer(n["nth"], where + ".nth", rule.nth));
  if (n["delay"]) RETURN_IF_ERROR(r.Dur(n["delay"], where + ".delay", rule.delay));
  if (n["split_bytes"]) RETURN_IF_ERROR(r.Integer(n["split_bytes"], where + ".split_bytes", rule.split_bytes));
  if (n["split_delay"]) RETURN_IF_ERROR(r.Dur(n["split_delay"], where + ".split_delay", rule.split_delay));
  if (n["after_bytes"]) RETURN_IF_ERROR(r.Integer(n["after_bytes"], where + ".after_bytes", rule.after_bytes));
  if (n["case_sensitive"]) {
    bool cs = false;
    RETURN_IF_ERROR(r.Bool(n["case_sensitive"], where + ".case_sensitive", cs));
    rule.case_insensitive = !cs;
  }
  if (n["action"]) {
    std::string action;
    RETURN_IF_ERROR(r.String(n["action"], where + ".action", action));
    if (action == "reply") {
      rule.action = FaultRule::Action::kReply;
    } else if (action == "disconnect") {
      rule.action = FaultRule::Action::kDisconnect;
    } else if (action == "drop" || action == "drop_in_data") {
      rule.action = FaultRule::Action::kDropInData;
    } else {
      return r.Error(n["action"], where + ".action: expected reply, disconnect or drop, got '" + action + "'");
    }
  }
  if (rule.action == FaultRule::Action::kReply && !rule.reply && rule.delay.count() == 0 &&
      rule.split_bytes == 0) {
    return r.Error(n, where + ": the rule does nothing (give reply, delay, split_bytes or action)");
  }
  return Status::Ok();
}

}  // namespace

Status ParseServerConfigNode(const YAML::Node& node, const std::string& file, FakeServerConfig& c) {
  Reader r(file);
  RETURN_IF_ERROR(r.Keys(node, "server",
                         {"hostname", "greeting", "extensions", "max_message_size", "max_recipients",
                          "max_sessions", "idle_timeout", "accept_bare_lf", "auth", "tls", "rules",
                          "listen"}));
  if (node["hostname"]) RETURN_IF_ERROR(r.String(node["hostname"], "hostname", c.hostname));
  if (node["greeting"]) {
    std::string g;
    RETURN_IF_ERROR(r.String(node["greeting"], "greeting", g));
    c.greeting = g;
  }
  if (auto ext = node["extensions"]) {
    if (!ext.IsSequence()) return r.Error(ext, "extensions: expected a list such as [PIPELINING, SIZE 1000]");
    std::vector<std::string> list;
    for (const auto& e : ext) {
      std::string s;
      RETURN_IF_ERROR(r.String(e, "extensions[]", s));
      list.push_back(s);
    }
    c.extensions = list;
  }
  if (node["max_message_size"]) RETURN_IF_ERROR(r.Integer(node["max_message_size"], "max_message_size", c.max_message_size));
  if (node["max_recipients"]) RETURN_IF_ERROR(r.Integer(node["max_recipients"], "max_recipients", c.max_recipients));
  if (node["max_sessions"]) RETURN_IF_ERROR(r.Integer(node["max_sessions"], "max_sessions", c.max_sessions));
  if (node["idle_timeout"]) RETURN_IF_ERROR(r.Dur(node["idle_timeout"], "idle_timeout", c.idle_timeout));
  if (node["accept_bare_lf"]) RETURN_IF_ERROR(r.Bool(node["accept_bare_lf"], "accept_bare_lf", c.accept_bare_lf));
  if (auto listen = node["listen"]) {
    std::string l;
    RETURN_IF_ERROR(r.String(listen, "listen", l));
    size_t colon = l.rfind(':');
    if (colon == std::string::npos) return r.Error(listen, "listen: expected HOST:PORT, got '" + l + "'");
    std::string host = l.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    std::string port = l.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) > 65535) {
      return r.Error(listen, "listen: bad port in '" + l + "'");
    }
    c.listen_host = host;
    c.port = static_cast<uint16_t>(std::stoul(port));
  }
  if (auto auth = node["auth"]) {
    RETURN_IF_ERROR(r.Keys(auth, "auth", {"users", "required", "mechanisms"}));
    if (auto users = auth["users"]) {
      if (!users.IsMap()) return r.Error(users, "auth.users: expected a mapping NAME: PASSWORD");
      for (const auto& kv : users) {
        std::string pass;
        RETURN_IF_ERROR(r.String(kv.second, "auth.users." + kv.first.Scalar(), pass));
        c.auth.users[kv.first.Scalar()] = pass;
      }
    }
    if (auth["required"]) RETURN_IF_ERROR(r.Bool(auth["required"], "auth.required", c.auth.required));
    if (auto mechs = auth["mechanisms"]) {
      if (!mechs.IsSequence()) return r.Error(mechs, "auth.mechanisms: expected a list");
      c.auth.mechanisms.clear();
      for (const auto& m : mechs) {
        std::string s;
        RETURN_IF_ERROR(r.String(m, "auth.mechanisms[]", s));
        c.auth.mechanisms.push_back(s);
      }
    }
  }
  if (auto tls = node["tls"]) {
    RETURN_IF_ERROR(r.Keys(tls, "tls", {"starttls", "implicit", "cert", "key"}));
    if (tls["starttls"]) RETURN_IF_ERROR(r.Bool(tls["starttls"], "tls.starttls", c.tls.starttls));
    if (tls["implicit"]) RETURN_IF_ERROR(r.Bool(tls["implicit"], "tls.implicit", c.tls.implicit));
    if (tls["cert"]) RETURN_IF_ERROR(r.String(tls["cert"], "tls.cert", c.tls.cert_file));
    if (tls["key"]) RETURN_IF_ERROR(r.String(tls["key"], "tls.key", c.tls.key_file));
  }
  if (auto rules = node["rules"]) {
    if (!rules.IsSequence()) return r.Error(rules, "rules: expected a list of rules");
    for (size_t i = 0; i < rules.size(); ++i) {
      FaultRule rule;
      RETURN_IF_ERROR(ParseRule(r, rules[i], "rules[" + std::to_string(i) + "]", rule));
      c.rules.push_back(std::move(rule));
    }
  }
  return Status::Ok();
}

Result<FakeServerConfig> LoadServerConfigFile(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return Status::InvalidArgument(path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  FakeServerConfig config;
  if (root.IsNull()) return config;
  YAML::Node block = root.IsMap() && root["server"] ? root["server"] : root;
  try {
    if (auto s = ParseServerConfigNode(block, path, config); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                   std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return config;
}

}  // namespace smtp
