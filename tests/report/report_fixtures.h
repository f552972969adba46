// Hand-built RunResults shared by the report tests.
#pragma once

#include "harness/report/run_result.h"

namespace smtp::testing {

inline ScenarioResult PassedScenario() {
  ScenarioResult sc;
  sc.name = "basic_send";
  sc.file = "scenarios/basic_send.yaml";
  sc.mode = "client";
  sc.target = "fake";
  sc.status = Verdict::kPassed;
  sc.duration_ms = 3.1;
  sc.rfc = {"5321 4.1.1.1", "5321 4.1.4"};
  StepResult st;
  st.index = 0;
  st.line = 9;
  st.kind = "expect";
  st.expected = "220";
  st.received = "220 fake ESMTP";
  st.status = Verdict::kPassed;
  st.duration_ms = 0.2;
  sc.steps.push_back(st);
  sc.transcript = {{0.1, 'S', "220 fake ESMTP"}, {0.2, 'C', "EHLO x"}};
  return sc;
}

inline ScenarioResult FailedScenario() {
  ScenarioResult sc;
  sc.name = "reject <rcpt> & co";
  sc.file = "scenarios/sub/reject.yaml";
  sc.mode = "client";
  sc.target = "fake";
  sc.status = Verdict::kFailed;
  sc.duration_ms = 4.5;
  sc.rfc = {"5321 4.1.4"};
  StepResult ok;
  ok.index = 0;
  ok.line = 5;
  ok.kind = "expect";
  ok.expected = "220";
  ok.received = "220 fake";
  ok.status = Verdict::kPassed;
  StepResult bad;
  bad.index = 1;
  bad.line = 7;
  bad.kind = "send";
  bad.sent = "RCPT TO:<x@y>";
  bad.expected = "250";
  bad.received = "550 5.1.1 No such user";
  bad.status = Verdict::kFailed;
  StepResult later;
  later.index = 2;
  later.line = 9;
  later.kind = "send";
  later.status = Verdict::kNotRun;
  sc.steps = {ok, bad, later};
  sc.failure = FailureInfo{
      1, 7, "250", "550 5.1.1 No such user",
      "scenarios/sub/reject.yaml:7: step 1 (send): expected 250, got 550 5.1.1 No such user"};
  sc.transcript = {{0.1, 'S', "220 fake"},
                   {0.3, 'C', "RCPT TO:<x@y>"},
                   {0.4, 'S', "550 5.1.1 No such user"},
                   {0.5, 'C', std::string("bare\rCR\x01")}};
  return sc;
}

inline ScenarioResult SkippedScenario() {
  ScenarioResult sc;
  sc.name = "chunking";
  sc.file = "scenarios/chunking.yaml";
  sc.target = "fake";
  sc.status = Verdict::kSkipped;
  sc.skip_reason = "server did not advertise CHUNKING";
  sc.rfc = {"3030"};
  return sc;
}

inline RunResult SampleRun() {
  RunResult run;
  run.started_at = "2026-01-01T12:00:00Z";
  run.duration_ms = 12.5;
  run.scenarios = {PassedScenario(), FailedScenario(), SkippedScenario()};
  return run;
}

}  // namespace smtp::testing
