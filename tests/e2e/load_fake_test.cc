// `smtp-harness load` end to end: the real binary against its embedded fake
// server and against `smtp-harness serve`, checking the summary, the JSON
// report and the exit status.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

struct LoadRun {
  int status = -1;
  std::string out, err, report;
};

class LoadE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("load"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

  LoadRun Load(std::vector<std::string> args) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "load", "--report",
                                     (dir_ / "report.json").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    Process p(argv, dir_, "load");
    LoadRun r;
    r.status = p.Wait(std::chrono::seconds(60));
    r.out = p.Stdout();
    r.err = p.Stderr();
    r.report = ReadFile(dir_ / "report.json");
    return r;
  }

  std::filesystem::path dir_;
};

const std::string kBasic = std::string(SMTP_HARNESS_SOURCE_DIR) + "/scenarios/basic_send.yaml";

const char* kRejectThree = R"(name: reject_three
server:
  rules:
    - when: "RCPT TO:*"
      reply: "450 4.2.0 Try again later"
      times: 3
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@example.test>
    expect: 250
  - send: RCPT TO:<b@example.test>
    expect: 250
  - send: DATA
    expect: 354
  - data: "Subject: x\n\nhello\n"
    expect: 250
  - send: QUIT
    expect: 221
)";

TEST_F(LoadE2eTest, AllSessionsPassAgainstTheEmbeddedFakeServer) {
  LoadRun r = Load({kBasic, "--sessions", "40", "--concurrency", "4", "--threads", "2"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("load basic_send: 40 sessions in "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sessions: 40 ok, 0 failed, 0 errors; 40 connections"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(40 messages)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("step 3 send RCPT TO:<${to}>"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");  // no progress line when stderr is not a terminal
  EXPECT_NE(r.report.find("\"ok\": 40"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("\"messages\": 40"), std::string::npos);
  EXPECT_NE(r.report.find("\"p99_ms\""), std::string::npos);
  EXPECT_NE(r.report.find("\"failures\": []"), std::string::npos);
}

TEST_F(LoadE2eTest, FailingExpectationsAreCountedAndGroupedByStepAndReply) {
  LoadRun r = Load({Write("reject.yaml", kRejectThree), "-n", "20", "-c", "2"});
  ASSERT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("sessions: 17 ok, 3 failed, 0 errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 x step 3 (failed): expected 250, got 450 4.2.0 Try again later"),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find(
          "reject.yaml:13: step 3 (send RCPT TO:<b@example.test>): expected 250, got 450 4.2.0 "
          "Try again later"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.report.find("\"failed\": 3"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("\"actual\": \"450 4.2.0 Try again later\""), std::string::npos);
  EXPECT_NE(r.report.find("\"count\": 3"), std::string::npos);
}

TEST_F(LoadE2eTest, ReuseRunsManyTransactionsPerConnection) {
  // One thread: its three lanes each claim a ticket (and open a connection)
  // before any finishes. With two threads, the second may start after the
  // first thread's lanes have taken all 30 tickets.
  LoadRun r = Load({kBasic, "-n", "30", "-c", "3", "--reuse", "--threads", "1"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("sessions: 30 ok, 0 failed, 0 errors; 3 connections"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(30 messages)"), std::string::npos) << r.out;
}

TEST_F(LoadE2eTest, DefaultThreadsLeaveHalfTheCoresToALocalServer) {
  // The embedded fake server runs on this machine: half the cores (at least
  // one) drive the load unless --threads says otherwise.
  LoadRun r = Load({kBasic, "-n", "16", "-c", "8"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  unsigned half = std::max(1u, std::thread::hardware_concurrency() / 2);
  EXPECT_EQ(nlohmann::json::parse(r.report)["load"]["config"]["threads"], half) << r.report;
  r = Load({kBasic, "-n", "16", "-c", "8", "--threads", "3"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.report)["load"]["config"]["threads"], 3) << r.report;
}

TEST_F(LoadE2eTest, DurationAndRateBoundTheSessions) {
  LoadRun r = Load({kBasic, "--duration", "400ms", "--rate", "50", "-c", "2"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  // 50/s for 0.4 s: tickets 0..19; a loaded machine may start fewer.
  size_t at = r.out.find("load basic_send: ");
  ASSERT_NE(at, std::string::npos);
  int n = std::stoi(r.out.substr(at + 17));
  EXPECT_GE(n, 5);
  EXPECT_LE(n, 20);
}

TEST_F(LoadE2eTest, LoadsARealServerTarget) {
  Serve serve({}, "load-serve");
  ASSERT_GT(serve.port(), 0);
  LoadRun r = Load({kBasic, "-n", "10", "-c", "2", "--target",
                    "smtp://127.0.0.1:" + std::to_string(serve.port())});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("10 ok, 0 failed, 0 errors"), std::string::npos) << r.out;
}

TEST_F(LoadE2eTest, UnreachableTargetCountsErrors) {
  // A port that was free a moment ago: nothing listens there.
  int port;
  {
    Serve serve({}, "load-gone");
    port = serve.port();
    serve.Stop();
  }
  LoadRun r = Load({kBasic, "-n", "3", "--target", "smtp://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("0 ok, 0 failed, 3 errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("3 x before any step (error): expected connection, got cannot connect: "),
            std::string::npos)
      << r.out;
}

TEST_F(LoadE2eTest, AReplyPastTheStepDeadlineFailsThatSessionOnly) {
  std::string slow = Write("slow.yaml", R"(name: slow
timeout: 300ms
server:
  rules:
    - when: "MAIL FROM:*"
      reply: "250 2.1.0 slow ok"
      delay: 2s
      nth: 2
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@example.test>
    expect: 250
  - send: QUIT
    expect: 221
)");
  auto t0 = std::chrono::steady_clock::now();
  LoadRun r = Load({slow, "-n", "4", "-c", "1"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));  // not the 2 s delay
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("sessions: 3 ok, 1 failed, 0 errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 x step 2 (failed): expected 250, got no reply within 300ms"),
            std::string::npos)
      << r.out;
}

// A step timeout shorter than the one before it (here the 10 s connect
// timeout) must still fire on time: the connection's one watchdog timer has
// to be pulled in, not just left to re-arm when the longer deadline passes.
TEST_F(LoadE2eTest, AShortStepTimeoutAfterALongOneFiresOnTime) {
  std::string slow = Write("short.yaml", R"(name: short
timeout: 10s
server:
  rules:
    - when: "MAIL FROM:*"
      reply: "250 2.1.0 slow ok"
      delay: 3s
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@example.test>
    expect: 250
    timeout: 300ms
  - send: QUIT
    expect: 221
)");
  auto t0 = std::chrono::steady_clock::now();
  LoadRun r = Load({slow, "-n", "1", "-c", "1"});
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));  // not the 3 s delay
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("1 x step 2 (failed): expected 250, got no reply within 300ms"),
            std::string::npos)
      << r.out;
}

TEST_F(LoadE2eTest, InterruptStopsStartingSessionsAndStillReports) {
  Process p({SMTP_HARNESS_BINARY, "load", kBasic, "--duration", "30s", "--rate", "100", "-c", "2",
             "--report", (dir_ / "report.json").string()},
            dir_, "interrupted");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  p.Signal(SIGINT);
  EXPECT_EQ(p.Wait(std::chrono::seconds(10)), 1) << p.Stdout() << p.Stderr();
  EXPECT_NE(p.Stdout().find("[interrupted]"), std::string::npos) << p.Stdout();
  EXPECT_NE(ReadFile(dir_ / "report.json").find("\"interrupted\": true"), std::string::npos);
}

TEST_F(LoadE2eTest, LoadsThePrivatePostfix) {
  const char* postfix = std::getenv("POSTFIX_SMTP");
  if (!postfix || !*postfix) {
    const char* require = std::getenv("SMTP_HARNESS_REQUIRE_REAL_SERVERS");
    if (require && std::string(require) == "1") FAIL() << "POSTFIX_SMTP is not set";
    GTEST_SKIP() << "POSTFIX_SMTP is not set (run ci/postfix start)";
  }
  const char* domain = std::getenv("POSTFIX_DOMAIN");
  std::string to = std::string("bob@") + (domain && *domain ? domain : "postfix.smtp-harness.test");
  LoadRun r = Load({kBasic, "-n", "20", "-c", "4", "--var", "to=" + to, "--target",
                    std::string("smtp://") + postfix});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("20 ok, 0 failed, 0 errors"), std::string::npos) << r.out;
  r = Load({kBasic, "-n", "20", "-c", "4", "--reuse", "--var", "to=" + to, "--target",
            std::string("smtp://") + postfix});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("20 ok, 0 failed, 0 errors; 4 connections"), std::string::npos) << r.out;
}

TEST_F(LoadE2eTest, UsageErrorsExitTwo) {
  std::string no_tx =
      Write("no_tx.yaml", "steps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n");
  LoadRun r = Load({no_tx, "--reuse"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "smtp-harness load: " + no_tx +
                       ": --reuse needs steps between the greeting/EHLO and QUIT to repeat\n");
  r = Load({Write("bad.yaml", "steps:\n  - sned: x\n")});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.yaml:2:"), std::string::npos) << r.err;
  r = Load({kBasic, "--duration", "soon"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("smtp-harness load: --duration: "), std::string::npos) << r.err;
  r = Load({kBasic, "--junit", (dir_ / "j.xml").string()});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(
      r.err,
      "smtp-harness load: --junit and --gradescope are for run and grade; load writes --report "
      "and --html\n");
  r = Load({kBasic, "-c", "0"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "smtp-harness load: --concurrency must be at least 1\n");
}

TEST_F(LoadE2eTest, SharedOptionsThatMeanNothingForALoadAreRefusedWithWhatToUse) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"-j", "4"}, "for parallel sessions use -c/--concurrency"},
      {{"--filter", "x*"}, "load runs one"},
      {{"--shard", "1/2"}, "load runs one"},
      {{"--fail-fast"}, "load runs one"},
      {{"--tls-verify"}, "check them with run"},
      {{"--ca-file", "ca.pem"}, "check them with run"},
  };
  for (const auto& [args, says] : cases) {
    std::vector<std::string> argv = {kBasic, "-n", "1"};
    argv.insert(argv.end(), args.begin(), args.end());
    LoadRun r = Load(argv);
    EXPECT_EQ(r.status, 2) << args[0];
    EXPECT_NE(r.err.find(says), std::string::npos) << args[0] << ": " << r.err;
    EXPECT_EQ(r.out, "") << args[0];
  }
  // Harmless ones are accepted.
  LoadRun r = Load({kBasic, "-n", "1", "-v", "--no-color"});
  EXPECT_EQ(r.status, 0) << r.err;
}

TEST_F(LoadE2eTest, HelpShowsOnlyWhatALoadUses) {
  LoadRun r = Load({"--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("--concurrency"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--target"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--junit"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--shard"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("--tls-verify"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace smtp::e2e
