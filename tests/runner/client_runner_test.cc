#include "harness/runner/client_runner.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"
#include "tests/runner/in_memory_connection.h"

namespace smtp {
namespace {

using testing::InMemoryEnv;
using testing::ScriptedServer;

Scenario Load(const std::string& yaml) {
  auto r = ScenarioLoader().LoadString(yaml, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText();
  return r.ok() ? *r.scenario : Scenario{};
}

ScenarioResult RunYaml(const std::string& yaml, ScriptedServer& server, RunOptions opt = {}) {
  return RunClientScenario(Load(yaml), opt, InMemoryEnv(&server));
}

const char* kBasic = R"Y(name: basic
vars: {from: alice@example.test, to: bob@example.test}
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

      .leading dot
    expect: 250
  - send: QUIT
    expect: 221
  - expect_close: true
)Y";

// A server that stops reading while we send the message: the failure says
// what the step expected, not "expected , got could not send within 5s".
TEST(ClientRunner, AStalledWriteSaysWhatTheStepExpected) {
  ScriptedServer server;
  server.stall_data = true;
  auto r = RunYaml(kBasic, server);
  ASSERT_EQ(r.status, Verdict::kFailed);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->expected, "250");
  EXPECT_NE(r.failure->message.find("(data): expected 250, got could not send within"),
            std::string::npos)
      << r.failure->message;
}

TEST(ClientRunner, BasicScenarioPasses) {
  ScriptedServer server;
  auto r = RunYaml(kBasic, server);
  ASSERT_EQ(r.status, Verdict::kPassed) << (r.failure ? r.failure->message : "");
  EXPECT_EQ(r.name, "basic");
  EXPECT_EQ(r.target, "fake");
  ASSERT_EQ(r.steps.size(), 8u);
  for (const auto& st : r.steps) EXPECT_EQ(st.status, Verdict::kPassed) << st.index;
  EXPECT_EQ(r.steps[2].sent, "MAIL FROM:<alice@example.test>");
  EXPECT_EQ(r.steps[2].expected, "250");
  EXPECT_EQ(r.steps[2].received, "250 2.1.0 Ok");
  EXPECT_EQ(r.steps[1].line, 5);
  EXPECT_EQ(r.steps[1].kind, "send");
  EXPECT_EQ(server.data, "Subject: hello\r\n\r\n..leading dot\r\n");
  ASSERT_FALSE(r.transcript.empty());
  EXPECT_EQ(r.transcript.front().dir, 'S');
  EXPECT_EQ(r.transcript.front().text, "220 mem.test ESMTP");
  EXPECT_FALSE(r.failure.has_value());
}

TEST(ClientRunner, WrongReplyFailsWithStepLineAndMessage) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) {
    return l == "RCPT TO:<bob@example.test>" ? "550 5.1.1 No such user" : "";
  };
  auto r = RunYaml(kBasic, server);
  ASSERT_EQ(r.status, Verdict::kFailed);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->step, 3);
  EXPECT_EQ(r.failure->line, 9);
  EXPECT_EQ(r.failure->expected, "2xx");
  EXPECT_EQ(r.failure->actual, "550 5.1.1 No such user");
  EXPECT_EQ(r.failure->message,
            "t.yaml:9: step 3 (send): expected 2xx, got 550 5.1.1 No such user");
  EXPECT_EQ(r.steps[3].status, Verdict::kFailed);
  for (size_t i = 4; i < r.steps.size(); ++i) EXPECT_EQ(r.steps[i].status, Verdict::kNotRun);
}

TEST(ClientRunner, NoReplyIsAFailedTimeout) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) { return l == "DATA" ? "CLOSE" : ""; };
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(50);
  auto r = RunYaml(kBasic, server, opt);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->step, 4);
  // Named after the command, so a server that crashes on one shows it.
  EXPECT_EQ(r.failure->actual, "connection closed with no reply to DATA");

  ScriptedServer silent;
  silent.greeting = "";
  r = RunYaml(kBasic, silent, opt);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->step, 0);
  EXPECT_EQ(r.failure->message,
            "t.yaml:4: step 0 (expect): expected 220, got no reply within 50ms");
}

TEST(ClientRunner, UnreachableTargetIsAnError) {
  ScriptedServer server;
  server.fail_connect = true;
  RunOptions opt;
  opt.target = "smtp://127.0.0.1:1";
  auto r = RunYaml(kBasic, server, opt);
  EXPECT_EQ(r.status, Verdict::kError);
  EXPECT_EQ(r.target, "smtp://127.0.0.1:1");
  EXPECT_EQ(r.failure->step, -1);
  EXPECT_EQ(r.failure->message, "t.yaml: target smtp://127.0.0.1:1: connection refused");
  for (const auto& st : r.steps) EXPECT_EQ(st.status, Verdict::kNotRun);
}

TEST(ClientRunner, BadTargetIsAnError) {
  ScriptedServer server;
  RunOptions opt;
  opt.target = "http://x";
  auto r = RunYaml(kBasic, server, opt);
  EXPECT_EQ(r.status, Verdict::kError);
  EXPECT_EQ(
      r.failure->message,
      "t.yaml: invalid target 'http://x': expected fake, smtp://HOST:PORT or smtps://HOST:PORT");
}

TEST(ClientRunner, CapturesFeedLaterSteps) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) {
    if (l == "NOOP") return std::string("250 2.0.0 token=abc123 ok");
    return std::string();
  };
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: NOOP
    expect: {code: 250, capture: {tok: "token=(\\w+)"}}
  - send: VRFY ${tok}
    expect: 500
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed) << r.failure->message;
  EXPECT_EQ(server.written.back(), "VRFY abc123");
}

TEST(ClientRunner, RequiresSkipsStepsAndScenarios) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - send: BDAT 0 LAST
    requires: [CHUNKING]
    expect: 250
  - send: QUIT
    expect: 221
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed);
  EXPECT_EQ(r.steps[2].status, Verdict::kSkipped);
  EXPECT_EQ(r.steps[2].message, "server did not advertise CHUNKING");

  r = RunYaml(R"Y(requires: [SMTPUTF8]
steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - send: MAIL FROM:<a@b> SMTPUTF8
    expect: 250
)Y",
              server);
  EXPECT_EQ(r.status, Verdict::kSkipped);
  EXPECT_EQ(r.skip_reason, "server did not advertise SMTPUTF8");
  EXPECT_EQ(r.steps[2].status, Verdict::kNotRun);
}

TEST(ClientRunner, OptionalMismatchIsNotedNotFailed) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: VRFY bob
    optional: true
    expect: 252
  - send: QUIT
    expect: 221
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed);
  EXPECT_TRUE(r.steps[1].optional_mismatch);
  EXPECT_EQ(r.steps[1].status, Verdict::kPassed);
  EXPECT_EQ(r.steps[1].message, "optional: expected 252, got 500 5.5.2 unknown command");
}

TEST(ClientRunner, AuthSecretsAreRedacted) {
  for (const char* mech : {"PLAIN", "LOGIN"}) {
    ScriptedServer server;
    auto r = RunYaml(std::string(R"Y(steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - auth: {mechanism: )Y") +
                         mech + R"Y(, username: alice, password: s3cret}
)Y",
                     server);
    ASSERT_EQ(r.status, Verdict::kPassed) << mech << " " << r.failure->message;
    EXPECT_EQ(r.steps[2].kind, "auth");
    EXPECT_EQ(r.steps[2].expected, "235");
    for (const auto& e : r.transcript) {
      EXPECT_EQ(e.text.find("s3cret"), std::string::npos);
      EXPECT_EQ(e.text.find("czNjcmV0"), std::string::npos) << e.text;  // base64("s3cret")
      EXPECT_EQ(e.text.find("AGFsaWNlAHMzY3JldA=="), std::string::npos) << e.text;
    }
    EXPECT_EQ(r.steps[2].sent.find("s3cret"), std::string::npos);
  }
}

TEST(ClientRunner, PipelineMatchesOneReplyPerLine) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) {
    return l == "RCPT TO:<nobody@x>" ? "550 5.1.1 nobody" : "";
  };
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - pipeline: ["MAIL FROM:<a@x>", "RCPT TO:<b@x>", "RCPT TO:<nobody@x>", "DATA"]
    expect: [250, 250, {code: 550, enhanced: 5.1.1}, 354]
  - data_raw: "hi\r\n.\r\n"
    expect: 250
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed) << r.failure->message;
  EXPECT_EQ(r.steps[2].expected, "250; 250; 550 with enhanced 5.1.1; 354");
  EXPECT_EQ(server.data, "hi\r\n");
}

TEST(ClientRunner, MailShorthandAndStartTls) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - starttls: {verify: false}
  - send: EHLO x
    expect: 250
  - mail: {from: a@x, to: [b@x, c@x], data: "Subject: s\n\nbody\n"}
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed) << r.failure->message;
  EXPECT_EQ(r.steps[4].sent,
            "MAIL FROM:<a@x>\nRCPT TO:<b@x>\nRCPT TO:<c@x>\nDATA\nSubject: s\n\nbody\n");
  EXPECT_EQ(server.data, "Subject: s\r\n\r\nbody\r\n");

  ScriptedServer bad_tls;
  bad_tls.fail_tls = true;
  r = RunYaml(R"Y(steps:
  - expect: 220
  - starttls: {verify: true}
)Y",
              bad_tls);
  EXPECT_EQ(r.status, Verdict::kError);
  EXPECT_EQ(r.failure->message,
            "t.yaml:3: step 1 (starttls): TLS handshake failed: certificate verify failed");
}

TEST(ClientRunner, StartTlsInjectPipelinesBytesAndCatchesAServerThatRunsThem) {
  // The in-memory server answers every line it reads, also those that came
  // in the same write as STARTTLS: it is the vulnerable server of RFC 3207 §6.
  ScriptedServer server;
  server.override_reply = [](const std::string& line) {
    return line == "XYZZY" ? std::string("500 5.5.1 unknown") : std::string();
  };
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - starttls: {verify: false, inject: "XYZZY\r\n"}
  - send: EHLO x
    expect: 250
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.steps[1].sent, "STARTTLS\nXYZZY\r\n");
  EXPECT_EQ(r.failure->step, 2);
  EXPECT_EQ(r.failure->actual, "500 5.5.1 unknown");
  ASSERT_GE(server.written.size(), 2u);
  EXPECT_EQ(server.written[0], "STARTTLS");
  EXPECT_EQ(server.written[1], "XYZZY");
}

// A server without PIPELINING may refuse the STARTTLS packet and close (as
// OpenSMTPD does): the injected bytes never ran, so the check passes and the
// scenario ends there; refusing and staying open is still a failure.
TEST(ClientRunner, StartTlsInjectRefusedAndClosedPasses) {
  const char* yaml = R"Y(steps:
  - expect: 220
  - starttls: {verify: false, inject: "XYZZY\r\n"}
  - send: EHLO x
    expect: 250
)Y";
  ScriptedServer closes;
  closes.override_reply = [](const std::string& line) {
    if (line == "STARTTLS") return std::string("500 5.5.1 Pipelining not supported");
    return line == "XYZZY" ? std::string("CLOSE") : std::string();
  };
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(50);
  auto r = RunYaml(yaml, closes, opt);
  ASSERT_EQ(r.status, Verdict::kPassed) << (r.failure ? r.failure->message : "");
  EXPECT_EQ(r.steps[1].status, Verdict::kPassed);
  EXPECT_EQ(r.steps[1].message,
            "STARTTLS refused (500 5.5.1 Pipelining not supported) and the connection closed: "
            "the injected bytes were not executed; the steps after it did not run");
  EXPECT_EQ(r.steps[2].status, Verdict::kNotRun);

  ScriptedServer stays_open;
  stays_open.override_reply = [](const std::string& line) {
    return line == "STARTTLS" ? std::string("454 4.7.0 TLS not available") : std::string();
  };
  r = RunYaml(yaml, stays_open, opt);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->step, 1);
  EXPECT_EQ(r.failure->actual, "454 4.7.0 TLS not available");
}

// `closed` in a code list: a server that closes instead of replying passes;
// `closed` alone fails on a reply.
TEST(ClientRunner, ClosedInACodeListAcceptsAClose) {
  ScriptedServer server;
  server.override_reply = [](const std::string& line) {
    return line == "RSET" ? std::string("CLOSE") : std::string();
  };
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(50);
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: NOOP
    expect: [250, closed]
  - send: RSET
    expect: [250, closed]
  - send: QUIT
    expect: [221, closed]
)Y",
                   server, opt);
  ASSERT_EQ(r.status, Verdict::kPassed) << (r.failure ? r.failure->message : "");
  EXPECT_EQ(r.steps[1].received, "250 2.1.0 Ok");
  EXPECT_EQ(r.steps[2].received, "(closed)");
  EXPECT_EQ(r.steps[3].received, "(closed)");
  EXPECT_EQ(r.steps[3].expected, "221 or connection closed");

  ScriptedServer open;
  r = RunYaml(R"Y(steps:
  - expect: 220
  - send: NOOP
    expect: closed
)Y",
              open, opt);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->message,
            "t.yaml:3: step 1 (send): expected connection closed, got 250 2.1.0 Ok (a reply came "
            "instead of a close)");
}

TEST(ClientRunner, NotMatcherAndExpectClose) {
  ScriptedServer server;
  server.close_after_quit = false;
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(30);
  auto r = RunYaml(R"Y(steps:
  - expect: {not: 5xx}
  - send: QUIT
    expect: 221
  - expect_close: true
)Y",
                   server, opt);
  ASSERT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->step, 2);
  EXPECT_EQ(
      r.failure->message,
      "t.yaml:5: step 2 (expect_close): expected connection closed within 30ms, got connection "
      "still open after 30ms");
  EXPECT_EQ(r.steps[0].expected, "not 5xx");
}

}  // namespace
}  // namespace smtp
