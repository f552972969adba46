#include "harness/scenario/server_config_yaml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace smtp {
namespace {

class ServerConfigYamlTest : public ::testing::Test {
 protected:
  Result<FakeServerConfig> Load(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() /
            ("server-config-" + std::to_string(::getpid()) + "-" + std::to_string(++n_) + ".yaml");
    std::ofstream(path_) << text;
    auto r = LoadServerConfigFile(path_.string());
    std::filesystem::remove(path_);
    return r;
  }
  std::string Error(const std::string& text) {
    auto r = Load(text);
    if (r.ok()) return "<ok>";
    std::string m = r.status().message();
    std::string prefix = path_.string() + ":";
    return m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m;
  }
  std::filesystem::path path_;
  int n_ = 0;
};

TEST_F(ServerConfigYamlTest, FullBlock) {
  auto r = Load(R"(
name: x
server:
  hostname: mx.example.test
  greeting: "mx ready"
  extensions: [PIPELINING, "SIZE 100"]
  max_message_size: 100
  max_recipients: 5
  max_sessions: 7
  idle_timeout: 2s
  accept_bare_lf: true
  listen: "[::1]:2525"
  auth: {users: {alice: s3cret, bob: "pw:1"}, required: true, mechanisms: [PLAIN]}
  tls: {starttls: true, implicit: false, cert: c.pem, key: k.pem}
  rules:
    - when: "RCPT TO:*"
      reply: "450 4.2.0 Greylisted"
      times: 1
    - when: /^DATA$/
      action: drop
      after_bytes: 10
    - on: message
      nth: 2
      reply: "421 4.3.0 Bye"
      action: disconnect
      delay: 250ms
      split_bytes: 3
      split_delay: 10ms
    - on: connect
      reply: "554 no"
      case_sensitive: true
)");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const FakeServerConfig& c = *r;
  EXPECT_EQ(c.hostname, "mx.example.test");
  EXPECT_EQ(c.greeting, "mx ready");
  EXPECT_EQ(c.extensions, (std::vector<std::string>{"PIPELINING", "SIZE 100"}));
  EXPECT_EQ(c.max_message_size, 100u);
  EXPECT_EQ(c.max_recipients, 5u);
  EXPECT_EQ(c.max_sessions, 7u);
  EXPECT_EQ(c.idle_timeout, Duration(2000));
  EXPECT_TRUE(c.accept_bare_lf);
  EXPECT_EQ(c.listen_host, "::1");
  EXPECT_EQ(c.port, 2525);
  EXPECT_EQ(c.auth.users.at("bob"), "pw:1");
  EXPECT_TRUE(c.auth.required);
  EXPECT_EQ(c.auth.mechanisms, std::vector<std::string>{"PLAIN"});
  EXPECT_TRUE(c.tls.starttls);
  EXPECT_EQ(c.tls.cert_file, "c.pem");
  ASSERT_EQ(c.rules.size(), 4u);
  EXPECT_EQ(c.rules[0].times, 1);
  EXPECT_EQ(c.rules[0].source_line, 16);
  EXPECT_EQ(c.rules[1].action, FaultRule::Action::kDropInData);
  EXPECT_EQ(c.rules[1].after_bytes, 10u);
  EXPECT_EQ(c.rules[2].on, FaultRule::On::kMessage);
  EXPECT_EQ(c.rules[2].nth, 2);
  EXPECT_EQ(c.rules[2].action, FaultRule::Action::kDisconnect);
  EXPECT_EQ(c.rules[2].delay, Duration(250));
  EXPECT_EQ(c.rules[2].split_bytes, 3u);
  EXPECT_EQ(c.rules[2].split_delay, Duration(10));
  EXPECT_EQ(c.rules[3].on, FaultRule::On::kConnect);
  EXPECT_FALSE(c.rules[3].case_insensitive);
}

TEST_F(ServerConfigYamlTest, BareBlockAndEmptyFile) {
  auto r = Load("hostname: h.test\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->hostname, "h.test");
  auto empty = Load("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->hostname, "fake.smtp-harness.test");
}

TEST_F(ServerConfigYamlTest, ErrorsNameLineColumnAndKey) {
  EXPECT_EQ(Error("server:\n  hostnme: x\n"), "2:3: server: unknown key 'hostnme'");
  EXPECT_EQ(Error("server:\n  max_recipients: -1\n"),
            "2:19: max_recipients: expected a non-negative integer, got '-1'");
  EXPECT_EQ(Error("server:\n  idle_timeout: soon\n"), "2:17: idle_timeout: " +
                                                          ParseDuration("soon").status().message());
  EXPECT_EQ(Error("server:\n  accept_bare_lf: maybe\n"),
            "2:19: accept_bare_lf: expected true or false, got 'maybe'");
  EXPECT_EQ(Error("server:\n  extensions: PIPELINING\n"),
            "2:15: extensions: expected a list such as [PIPELINING, SIZE 1000]");
  EXPECT_EQ(Error("server:\n  auth: {users: [a, b]}\n"),
            "2:17: auth.users: expected a mapping NAME: PASSWORD");
  EXPECT_EQ(Error("server:\n  auth: {user: x}\n"), "2:10: auth: unknown key 'user'");
  EXPECT_EQ(Error("server:\n  tls: {starttls: sure}\n"),
            "2:19: tls.starttls: expected true or false, got 'sure'");
  EXPECT_EQ(Error("server:\n  rules: {when: x}\n"), "2:10: rules: expected a list of rules");
  EXPECT_EQ(Error("server:\n  rules:\n    - reply: 550 x\n"),
            "3:7: rules[0]: a command rule needs `when:` (a glob or /regex/)");
  EXPECT_EQ(Error("server:\n  rules:\n    - when: DATA\n"),
            "3:7: rules[0]: the rule does nothing (give reply, delay, split_bytes or action)");
  EXPECT_EQ(Error("server:\n  rules:\n    - when: DATA\n      action: explode\n"),
            "4:15: rules[0].action: expected reply, disconnect or drop, got 'explode'");
  EXPECT_EQ(Error("server:\n  rules:\n    - on: later\n      reply: 550 x\n"),
            "3:11: rules[0].on: expected command, connect or message, got 'later'");
  EXPECT_EQ(Error("server:\n  rules:\n    - when: DATA\n      reply: 550 x\n      colour: red\n"),
            "5:7: rules[0]: unknown key 'colour'");
  EXPECT_EQ(Error("server:\n  listen: 127.0.0.1\n"), "2:11: listen: expected HOST:PORT, got '127.0.0.1'");
  EXPECT_EQ(Error("server:\n  listen: 127.0.0.1:99999\n"), "2:11: listen: bad port in '127.0.0.1:99999'");
  EXPECT_EQ(Error("server: [1, 2\n"), "2:1: end of sequence flow not found");
  EXPECT_EQ(Error("server: 5\n"), "1:9: server: expected a mapping");
}

TEST_F(ServerConfigYamlTest, MissingFile) {
  auto r = LoadServerConfigFile("/nonexistent/x.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "/nonexistent/x.yaml: cannot read the file");
}

}  // namespace
}  // namespace smtp
