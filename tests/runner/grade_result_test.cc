#include "harness/runner/grade_result.h"

#include <gtest/gtest.h>
#include <signal.h>

namespace smtp {
namespace {

Scenario TwoChecks() {
  Scenario sc;
  sc.name = "lab";
  sc.file = "lab.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.points = 10;
  Step greet;
  greet.kind = StepKind::kReply;
  greet.text = "220 *";
  Step helo;
  helo.kind = StepKind::kExpectCommand;
  helo.command.glob = "HELO *";
  helo.index = 1;
  helo.points = 4;
  Step quit;
  quit.kind = StepKind::kExpectCommand;
  quit.command.glob = "QUIT";
  quit.index = 2;
  Step close;
  close.kind = StepKind::kExpectClose;
  close.index = 3;
  sc.steps = {greet, helo, quit, close};
  return sc;
}

SessionReport Report(int session, std::vector<Verdict> verdicts) {
  SessionReport r;
  r.session = session;
  for (size_t i = 0; i < verdicts.size(); ++i) {
    StepResult s;
    s.index = static_cast<int>(i);
    s.kind = "expect";
    s.status = verdicts[i];
    r.steps.push_back(s);
  }
  r.received = "HELO x\r\n";
  return r;
}

TEST(GradeResultTest, PointsSpreadOverChecksWithoutTheirOwn) {
  Scenario sc = TwoChecks();
  ServerRunFacts f;
  f.listen = "127.0.0.1:4000";
  f.client.exit_code = 0;
  f.sessions = {
      Report(1, {Verdict::kPassed, Verdict::kPassed, Verdict::kFailed, Verdict::kNotRun})};
  f.sessions[0].failure = FailureInfo{2, 0, "QUIT", "", "lab.yaml: step 2 (expect): no QUIT"};
  ScenarioResult r = AssembleServerResult(sc, f);
  EXPECT_EQ(r.status, Verdict::kFailed);
  EXPECT_FALSE(r.steps[0].points);
  EXPECT_EQ(r.steps[1].points, 4);
  EXPECT_EQ(r.steps[2].points, 3);
  EXPECT_EQ(r.steps[3].points, 3);
  EXPECT_EQ(r.score, 4);
  EXPECT_EQ(r.max_score, 10);
  EXPECT_EQ(r.client->received_bytes, "HELO x\r\n");
  EXPECT_EQ(r.failure->message, "lab.yaml: step 2 (expect): no QUIT");
}

TEST(GradeResultTest, ClientThatNeverConnects) {
  Scenario sc = TwoChecks();
  ServerRunFacts f;
  f.listen = "127.0.0.1:4000";
  f.client.exit_code = 1;
  ScenarioResult r = AssembleServerResult(sc, f);
  EXPECT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->message,
            "lab.yaml: the client exited with code 1 without connecting to 127.0.0.1:4000 (it "
            "must connect to the port given in $SMTP_HARNESS_PORT)");
  EXPECT_EQ(r.score, 0);
  f.client.exit_code.reset();
  f.client.signal = SIGTERM;
  f.client.timed_out = true;
  f.never_connected_timeout = true;
  f.step_timeout = Duration(2000);
  r = AssembleServerResult(sc, f);
  EXPECT_EQ(r.failure->message,
            "lab.yaml: the client never connected to 127.0.0.1:4000 within 2s (the client was "
            "still running and was killed (SIGTERM))");
}

TEST(GradeResultTest, CrashMidSessionNamesTheExit) {
  Scenario sc = TwoChecks();
  ServerRunFacts f;
  f.client.signal = SIGSEGV;
  f.sessions = {
      Report(1, {Verdict::kPassed, Verdict::kFailed, Verdict::kNotRun, Verdict::kNotRun})};
  f.sessions[0].steps[1].message = "the connection ended (client closed); expected HELO *";
  f.sessions[0].failure = FailureInfo{1, 0, "HELO *", "", "lab.yaml: step 1 (expect): x"};
  ScenarioResult r = AssembleServerResult(sc, f);
  EXPECT_EQ(
      r.failure->message,
      "lab.yaml: step 1 (expect): x; the client was killed by signal 11 (SIGSEGV) (crashed?)");
}

TEST(GradeResultTest, MissingSessionAndNoPointsGivesOnePerCheck) {
  Scenario sc = TwoChecks();
  sc.points.reset();
  sc.steps[1].points.reset();
  sc.sessions = 2;
  ServerRunFacts f;
  f.client.exit_code = 0;
  f.sessions = {
      Report(1, {Verdict::kPassed, Verdict::kPassed, Verdict::kPassed, Verdict::kPassed})};
  ScenarioResult r = AssembleServerResult(sc, f);
  EXPECT_EQ(r.status, Verdict::kFailed);
  EXPECT_EQ(r.failure->message,
            "lab.yaml: expected 2 sessions, the client made 1 (the client exited with code 0)");
  EXPECT_EQ(r.steps.size(), 8u);
  EXPECT_EQ(r.steps[5].name, "session 2: step 1");
  EXPECT_EQ(r.steps[5].message, "session 2 never started");
  EXPECT_EQ(r.max_score, 3);
  EXPECT_EQ(r.score, 1.5);
}

}  // namespace
}  // namespace smtp
