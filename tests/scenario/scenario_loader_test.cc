#include "harness/scenario/scenario_loader.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

LoadResult Load(const std::string& yaml, LoadOptions options = {}) {
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SMTP_PASSWORD") return std::string("s3cret");
    return std::nullopt;
  };
  return ScenarioLoader(options).LoadString(yaml, "t.yaml", SMTP_HARNESS_SOURCE_DIR);
}

Scenario LoadOk(const std::string& yaml, LoadOptions options = {}) {
  auto r = Load(yaml, std::move(options));
  EXPECT_TRUE(r.ok()) << r.ErrorText();
  return r.ok() ? *r.scenario : Scenario{};
}

TEST(ScenarioLoader, QuickStartExampleFromSpec) {
  Scenario s = LoadOk(R"Y(name: basic_send
description: One message through a server that accepts it
tags: [smoke]
mode: client
target: fake
timeout: 5s
vars: {from: alice@example.test, to: bob@example.test}
server: {}
steps:
  - expect: 220
  - send: EHLO client.example.test
    expect: {code: 250, ext: [PIPELINING, 8BITMIME]}
  - send: MAIL FROM:<${from}>
    expect: 250
  - send: RCPT TO:<${to}>
    expect: 2xx
  - send: DATA
    expect: 354
  - data: |
      Subject: hello

      My message
    expect: 250
  - send: QUIT
    expect: 221
  - expect_close: true
)Y");
  EXPECT_EQ(s.name, "basic_send");
  EXPECT_EQ(s.description, "One message through a server that accepts it");
  EXPECT_EQ(s.tags, std::vector<std::string>{"smoke"});
  EXPECT_EQ(s.mode, ScenarioMode::kClient);
  EXPECT_EQ(s.timeout, Duration(5000));
  ASSERT_EQ(s.vars.size(), 2u);
  EXPECT_EQ(s.vars[0], (std::pair<std::string, std::string>{"from", "alice@example.test"}));
  ASSERT_EQ(s.steps.size(), 8u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kExpect);
  EXPECT_EQ(s.steps[0].expect[0].codes, std::vector<std::string>{"220"});
  EXPECT_EQ(s.steps[0].pos.line, 10);
  EXPECT_EQ(s.steps[0].pos.column, 5);
  EXPECT_EQ(s.steps[1].kind, StepKind::kSend);
  EXPECT_EQ(s.steps[1].text, "EHLO client.example.test");
  EXPECT_EQ(s.steps[1].expect[0].ext, (std::vector<std::string>{"PIPELINING", "8BITMIME"}));
  EXPECT_EQ(s.steps[1].expect[0].pos.line, 12);
  EXPECT_EQ(s.steps[2].text, "MAIL FROM:<${from}>");
  EXPECT_EQ(s.steps[3].expect[0].codes, std::vector<std::string>{"2xx"});
  EXPECT_EQ(s.steps[5].kind, StepKind::kData);
  EXPECT_EQ(s.steps[5].text, "Subject: hello\n\nMy message\n");
  EXPECT_EQ(s.steps[7].kind, StepKind::kExpectClose);
  EXPECT_EQ(s.steps[7].index, 7);
}

TEST(ScenarioLoader, NameDefaultsToFileStem) {
  Scenario s = LoadOk("steps: [{expect: 220}]");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.file, "t.yaml");
  EXPECT_EQ(s.target, "fake");
}

TEST(ScenarioLoader, EveryClientStepKind) {
  Scenario s = LoadOk(R"Y(vars: {user: alice}
steps:
  - send_raw: "MAIL FROM:<a@b>\n"
    expect: 5xx
  - pipeline: [MAIL FROM:<a@b>, RCPT TO:<c@d>, DATA]
    expect: [250, [250, 251], 354]
  - data: {file: tests/scenario/scenario_loader_test.cc}
  - data_raw: "Subject: x\r\n\r\n.\r\n"
  - starttls: {verify: false}
  - starttls: true
  - auth: {mechanism: login, username: "${user}", password: "${env:SMTP_PASSWORD}"}
  - auth: {username: u, password: p}
    expect: 535
  - mail: {from: a@b, to: [c@d, e@f], data: "hi"}
  - mail: {from: a@b, to: c@d}
  - sleep: 250ms
  - expect_close: true
    timeout: 2s
    name: closes
    optional: true
    requires: [PIPELINING]
)Y");
  ASSERT_EQ(s.steps.size(), 12u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kSendRaw);
  EXPECT_EQ(s.steps[0].text, "MAIL FROM:<a@b>\n");
  EXPECT_EQ(s.steps[1].kind, StepKind::kPipeline);
  EXPECT_EQ(s.steps[1].lines.size(), 3u);
  ASSERT_EQ(s.steps[1].expect.size(), 3u);
  EXPECT_EQ(s.steps[1].expect[1].codes, (std::vector<std::string>{"250", "251"}));
  EXPECT_EQ(s.steps[2].kind, StepKind::kData);
  EXPECT_EQ(s.steps[2].data_file,
            std::string(SMTP_HARNESS_SOURCE_DIR) + "/tests/scenario/scenario_loader_test.cc");
  EXPECT_EQ(s.steps[3].kind, StepKind::kDataRaw);
  EXPECT_EQ(s.steps[4].kind, StepKind::kStartTls);
  EXPECT_FALSE(s.steps[4].tls_verify);
  EXPECT_EQ(s.steps[4].expect[0].codes, std::vector<std::string>{"220"});
  EXPECT_EQ(s.steps[5].kind, StepKind::kStartTls);
  EXPECT_EQ(s.steps[6].kind, StepKind::kAuth);
  EXPECT_EQ(s.steps[6].auth_mechanism, "LOGIN");
  EXPECT_EQ(s.steps[6].auth_username, "${user}");
  EXPECT_EQ(s.steps[6].expect[0].codes, std::vector<std::string>{"235"});
  EXPECT_EQ(s.steps[7].auth_mechanism, "PLAIN");
  EXPECT_EQ(s.steps[7].expect[0].codes, std::vector<std::string>{"535"});
  EXPECT_EQ(s.steps[8].kind, StepKind::kMail);
  EXPECT_EQ(s.steps[8].mail_to, (std::vector<std::string>{"c@d", "e@f"}));
  EXPECT_EQ(s.steps[8].mail_data, "hi");
  EXPECT_EQ(s.steps[8].expect[0].codes, std::vector<std::string>{"2xx"});
  EXPECT_EQ(s.steps[9].mail_to, std::vector<std::string>{"c@d"});
  EXPECT_EQ(s.steps[10].kind, StepKind::kSleep);
  EXPECT_EQ(s.steps[10].sleep, Duration(250));
  const Step& last = s.steps[11];
  EXPECT_EQ(last.kind, StepKind::kExpectClose);
  EXPECT_EQ(last.timeout, Duration(2000));
  EXPECT_EQ(last.name, "closes");
  EXPECT_TRUE(last.optional);
  EXPECT_EQ(last.required_extensions, std::vector<std::string>{"PIPELINING"});
}

TEST(ScenarioLoader, EveryReplyMatcherForm) {
  Scenario s = LoadOk(R"Y(steps:
  - expect: 250
  - expect: "25x"
  - expect: [250, 251]
  - expect:
      code: [250, 4xx]
      text: "^OK"
      ext: [PIPELINING]
      not_ext: STARTTLS
      enhanced: 2.x.x
      capture: {id: "queued as (\\w+)", n: "(\\d+)"}
  - expect: {not: 5xx}
  - expect: {glob: "250 *"}
  - send: "x ${id} ${n}"
)Y");
  ASSERT_EQ(s.steps.size(), 7u);
  EXPECT_EQ(s.steps[1].expect[0].codes, std::vector<std::string>{"25x"});
  EXPECT_EQ(s.steps[2].expect[0].codes, (std::vector<std::string>{"250", "251"}));
  const ReplyMatcher& m = s.steps[3].expect[0];
  EXPECT_EQ(m.codes, (std::vector<std::string>{"250", "4xx"}));
  EXPECT_EQ(m.text, "^OK");
  EXPECT_EQ(m.ext, std::vector<std::string>{"PIPELINING"});
  EXPECT_EQ(m.not_ext, std::vector<std::string>{"STARTTLS"});
  EXPECT_EQ(m.enhanced, "2.x.x");
  ASSERT_EQ(m.capture.size(), 2u);
  EXPECT_EQ(m.capture[0], (std::pair<std::string, std::string>{"id", "queued as (\\w+)"}));
  EXPECT_EQ(m.pos.line, 6);
  ASSERT_TRUE(s.steps[4].expect[0].negated);
  EXPECT_EQ(s.steps[4].expect[0].negated->codes, std::vector<std::string>{"5xx"});
  EXPECT_EQ(s.steps[5].expect[0].glob, "250 *");
}

TEST(ScenarioLoader, ServerBlockFillsFakeServerConfig) {
  Scenario s = LoadOk(R"Y(server:
  hostname: mx.example.test
  greeting: mx.example.test ESMTP ready
  extensions: [PIPELINING, SIZE]
  max_message_size: 10MB
  max_recipients: 3
  auth: {users: {alice: secret}, required: true}
  tls: {starttls: true}
  rules:
    - when: "RCPT TO:<nobody@*>"
      reply: 550 5.1.1 No such user
    - when: "/^MAIL FROM:<grey@/"
      reply: 450 4.7.1 Greylisted
      times: 1
    - on: message
      nth: 2
      reply: 421 4.3.0 Bye
      action: disconnect
    - when: DATA
      action: drop
      after_bytes: 100
    - when: "EHLO *"
      reply: "250 OK"
      delay: 100ms
      split: {bytes: 3, delay: 10ms}
steps: [{expect: 220}]
)Y");
  const FakeServerConfig& c = s.server;
  EXPECT_EQ(c.hostname, "mx.example.test");
  EXPECT_EQ(c.greeting, "mx.example.test ESMTP ready");
  EXPECT_EQ(c.extensions, (std::vector<std::string>{"PIPELINING", "SIZE"}));
  EXPECT_EQ(c.max_message_size, 10u * 1024 * 1024);
  EXPECT_EQ(c.max_recipients, 3u);
  EXPECT_EQ(c.auth.users.at("alice"), "secret");
  EXPECT_TRUE(c.auth.required);
  EXPECT_TRUE(c.tls.starttls);
  ASSERT_EQ(c.rules.size(), 5u);
  EXPECT_EQ(c.rules[0].when, "RCPT TO:<nobody@*>");
  EXPECT_EQ(c.rules[0].reply, "550 5.1.1 No such user");
  EXPECT_EQ(c.rules[0].source_line, 10);
  EXPECT_EQ(c.rules[1].times, 1);
  EXPECT_EQ(c.rules[2].on, FaultRule::On::kMessage);
  EXPECT_EQ(c.rules[2].nth, 2);
  EXPECT_EQ(c.rules[2].action, FaultRule::Action::kDisconnect);
  EXPECT_EQ(c.rules[3].action, FaultRule::Action::kDropInData);
  EXPECT_EQ(c.rules[3].after_bytes, 100u);
  EXPECT_EQ(c.rules[4].delay, Duration(100));
  EXPECT_EQ(c.rules[4].split_bytes, 3u);
  EXPECT_EQ(c.rules[4].split_delay, Duration(10));
}

TEST(ScenarioLoader, ScenarioLevelKeys) {
  Scenario s = LoadOk(R"Y(requires: [STARTTLS]
rfc: ["5321 4.1.4", "5321 3.3"]
target: smtp://127.0.0.1:2525
points: 5
steps: [{expect: 220}]
)Y");
  EXPECT_EQ(s.required_extensions, std::vector<std::string>{"STARTTLS"});
  EXPECT_EQ(s.rfc, (std::vector<std::string>{"5321 4.1.4", "5321 3.3"}));
  EXPECT_EQ(s.target, "smtp://127.0.0.1:2525");
  EXPECT_EQ(s.points, 5.0);
}

// One rule for targets (issue 14, item 10): what --target accepts, a file
// accepts, meaning the same (no port: 25, or 465 for smtps).
TEST(ScenarioLoader, TargetsFollowTheCommandLineRule) {
  for (const char* t : {"smtp://127.0.0.1", "smtps://[::1]", "smtp://127.0.0.1/", "fake"}) {
    Scenario s = LoadOk(std::string("target: \"") + t + "\"\nsteps: [{expect: 220}]\n");
    EXPECT_EQ(s.target, t);
  }
  auto bad = Load("target: smtp://127.0.0.1:0\nsteps: [{expect: 220}]\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.ErrorText(),
            "t.yaml:1:9: target: invalid target 'smtp://127.0.0.1:0': port out of range");
}

TEST(ScenarioLoader, VarOverridesDefineVariables) {
  LoadOptions o;
  o.vars["rcpt"] = "x@y";
  Scenario s = LoadOk("steps: [{send: 'RCPT TO:<${rcpt}>', expect: 250}]", o);
  EXPECT_EQ(s.steps[0].text, "RCPT TO:<${rcpt}>");
  auto bad = Load("steps: [{send: 'RCPT TO:<${rcpt}>', expect: 250}]");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.ErrorText(),
            "t.yaml:1:16: send: undefined variable ${rcpt} (define it in vars:, with --var, or "
            "capture it in an earlier step)");
}

TEST(ScenarioLoader, CaptureDefinesVariableOnlyForLaterSteps) {
  auto r = Load(R"Y(steps:
  - send: "X ${id}"
    expect: {code: 250, capture: {id: "as (\\w+)"}}
  - send: "Y ${id}"
)Y");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].pos.line, 2);
}

}  // namespace
}  // namespace smtp
