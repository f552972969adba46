// Client-mode verdicts of issue 14: every command step reads its reply
// (item 2), `requires:` is judged before the EHLO reply's matcher (item 6),
// and a regex that hits a limit decides nothing (item 8).
#include <gtest/gtest.h>

#include "harness/runner/client_runner.h"
#include "harness/scenario/scenario_loader.h"
#include "tests/runner/in_memory_connection.h"

namespace smtp {
namespace {

using testing::InMemoryEnv;
using testing::ScriptedServer;

ScenarioResult RunYaml(const std::string& yaml, ScriptedServer& server, RunOptions opt = {}) {
  auto r = ScenarioLoader().LoadString(yaml, "t.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText();
  if (!r.ok()) return {};
  return RunClientScenario(*r.scenario, opt, InMemoryEnv(&server));
}

std::string Why(const ScenarioResult& r) { return r.failure ? r.failure->message : ""; }

TEST(ClientVerdicts, SendWithoutExpectReadsAndRecordsItsReply) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: NOOP
  - send: QUIT
    expect: 221
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed) << Why(r);
  EXPECT_EQ(r.steps[1].expected, "any reply");
  EXPECT_EQ(r.steps[1].received, "250 2.1.0 Ok");
  EXPECT_EQ(r.steps[2].received.substr(0, 3), "221");
}

TEST(ClientVerdicts, DataWithoutExpectReadsItsReply) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: HELO x
  - send: MAIL FROM:<a@b.test>
  - send: RCPT TO:<c@d.test>
  - send: DATA
    expect: 354
  - data: "hi\n"
  - send: QUIT
    expect: 221
)Y",
                   server);
  ASSERT_EQ(r.status, Verdict::kPassed) << Why(r);
  EXPECT_EQ(r.steps[5].received.substr(0, 3), "250");
}

TEST(ClientVerdicts, ANoReplyToASendWithoutExpectFails) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) { return l == "NOOP" ? "CLOSE" : ""; };
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(50);
  auto r = RunYaml("steps:\n  - expect: 220\n  - send: NOOP\n", server, opt);
  EXPECT_EQ(r.status, Verdict::kFailed);
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->step, 1);
}

TEST(ClientVerdicts, VariableWithALineBreakIsNotSent) {
  ScriptedServer server;
  RunOptions opt;
  opt.vars = {{"host", "x\r\nRSET"}};
  auto r =
      RunYaml("vars: {host: y}\nsteps:\n  - expect: 220\n  - send: HELO ${host}\n", server, opt);
  EXPECT_EQ(r.status, Verdict::kError);
  EXPECT_NE(Why(r).find("contains CR or LF after expanding variables"), std::string::npos)
      << Why(r);
}

// Issue 14 item 6: a capture of SIZE in the EHLO step of a scenario that
// requires SIZE, against a server without SIZE: skipped, not failed.
TEST(ClientVerdicts, RequiresIsJudgedBeforeTheEhloMatcher) {
  ScriptedServer server;  // advertises PIPELINING, 8BITMIME, AUTH; no SIZE
  auto r = RunYaml(R"Y(requires: [SIZE]
steps:
  - expect: 220
  - send: EHLO x
    expect: {code: 250, capture: {size_limit: "\\nSIZE (\\d+)"}}
  - send: MAIL FROM:<a@b.test> SIZE=${size_limit}9
    expect: 552
)Y",
                   server);
  EXPECT_EQ(r.status, Verdict::kSkipped) << Why(r);
  EXPECT_EQ(r.skip_reason, "server did not advertise SIZE");
  EXPECT_EQ(r.steps[1].status, Verdict::kSkipped);
  EXPECT_EQ(r.steps[2].status, Verdict::kNotRun);
  EXPECT_FALSE(r.failure);
}

TEST(ClientVerdicts, RequiresAndAnExtMatcherOnTheSameEhlo) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(requires: [SMTPUTF8]
steps:
  - expect: 220
  - send: EHLO x
    expect: {code: 250, ext: [SMTPUTF8]}
)Y",
                   server);
  EXPECT_EQ(r.status, Verdict::kSkipped) << Why(r);
}

TEST(ClientVerdicts, RefusedEhloFailsEvenWithRequires) {
  ScriptedServer server;
  server.override_reply = [](const std::string& l) {
    return l == "EHLO x" ? "502 5.5.1 EHLO not supported" : "";
  };
  auto r = RunYaml("requires: [SIZE]\nsteps:\n  - expect: 220\n  - send: EHLO x\n    expect: 250\n",
                   server);
  EXPECT_EQ(r.status, Verdict::kFailed) << Why(r);
}

TEST(ClientVerdicts, RequiresMetRunsAsBefore) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(requires: [PIPELINING]
steps:
  - expect: 220
  - send: EHLO x
    expect: {code: 250, ext: [PIPELINING]}
  - send: QUIT
    expect: 221
)Y",
                   server);
  EXPECT_EQ(r.status, Verdict::kPassed) << Why(r);
}

TEST(ClientVerdicts, StepRequiresOnTheEhloStepItself) {
  ScriptedServer server;
  auto r = RunYaml(R"Y(steps:
  - expect: 220
  - send: EHLO x
    requires: [SIZE]
    expect: {code: 250, capture: {size_limit: "\\nSIZE (\\d+)"}}
  - send: QUIT
    expect: 221
)Y",
                   server);
  EXPECT_EQ(r.status, Verdict::kPassed) << Why(r);
  EXPECT_EQ(r.steps[1].status, Verdict::kSkipped);
  EXPECT_EQ(r.steps[1].message, "server did not advertise SIZE");
  EXPECT_EQ(r.steps[2].status, Verdict::kPassed);
}

// Issue 14 item 8: a regex that gives up is an error of the step, which
// neither `not:` nor `optional:` turns into a pass.
TEST(ClientVerdicts, RegexLimitIsAnErrorNotAPass) {
  ScriptedServer server;
  server.greeting = "220 " + std::string(60000, 'a') + "b";
  for (const char* matcher : {"{text: \"(a+)+$\"}", "{not: {text: \"(a+)+$\"}}"}) {
    auto r =
        RunYaml(std::string("steps:\n  - expect: ") + matcher + "\n    optional: true\n", server);
    EXPECT_EQ(r.status, Verdict::kError) << matcher;
    EXPECT_NE(Why(r).find("match limit"), std::string::npos) << Why(r);
  }
}

}  // namespace
}  // namespace smtp
