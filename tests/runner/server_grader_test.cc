#include "harness/runner/server_grader.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "tests/support/manual_clock.h"

namespace smtp {
namespace {

// A client process that is already gone when the grader looks at it.
class ExitedProcess : public RunningProcess {
 public:
  explicit ExitedProcess(int code) : code_(code) {}
  bool WaitExit(Duration) override { return true; }
  bool Exited() override { return true; }
  ProcessOutcome Stop(Duration) override {
    ProcessOutcome o;
    o.exit_code = code_;
    o.stderr_text = "boom\n";
    return o;
  }

 private:
  int code_;
};

class FakeRunner : public ProcessRunner {
 public:
  Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec& spec) override {
    last = spec;
    if (fail) return Status::NotFound("cannot run the client: nope: command not found");
    return std::unique_ptr<RunningProcess>(std::make_unique<ExitedProcess>(3));
  }
  ProcessSpec last;
  bool fail = false;
};

Scenario Minimal() {
  Scenario sc;
  sc.name = "s";
  sc.file = "dir/s.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.client = "python3 'my client.py'";
  Step greet;
  greet.kind = StepKind::kReply;
  greet.text = "220 *";
  Step quit;
  quit.kind = StepKind::kExpectCommand;
  quit.command.glob = "QUIT";
  quit.index = 1;
  sc.steps = {greet, quit};
  return sc;
}

TEST(ServerGraderTest, ClientThatExitsWithoutConnecting) {
  FakeRunner runner;
  GradeOptions o;
  o.runner = &runner;
  o.port = 0;
  uint16_t port = 0;
  o.on_listening = [&](uint16_t p) { port = p; };
  auto r = GradeServerScenario(Minimal(), o);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, Verdict::kFailed);
  EXPECT_EQ(r->failure->message,
            "dir/s.yaml: the client exited with code 3 without connecting to 127.0.0.1:" +
                std::to_string(port) +
                " (it must connect to the port given in $SMTP_HARNESS_PORT)");
  // The scenario's client: split without a shell, run in the scenario's folder,
  // told the port.
  EXPECT_EQ(runner.last.argv, (std::vector<std::string>{"python3", "my client.py"}));
  EXPECT_EQ(runner.last.cwd, "dir");
  EXPECT_EQ(runner.last.env["SMTP_HARNESS_PORT"], std::to_string(port));
  // Only PATH, HOME (the runner's scratch folder), LANG and the port: none of
  // the harness's own environment (SPEC §9).
  EXPECT_FALSE(runner.last.inherit_env);
  EXPECT_TRUE(runner.last.scratch_home);
  for (const auto& [name, value] : runner.last.env) {
    EXPECT_TRUE(name == "PATH" || name == "LANG" || name == "SMTP_HARNESS_PORT") << name;
  }
  EXPECT_EQ(runner.last.isolation, Isolation::kAuto);
  EXPECT_EQ(r->client->command, "python3 'my client.py'");
  EXPECT_EQ(r->client->stderr_text, "boom\n");
}

TEST(ServerGraderTest, CommandAfterDashDashRunsHereAndOverrides) {
  FakeRunner runner;
  GradeOptions o;
  o.runner = &runner;
  o.port = 0;
  o.client_argv = {"./client"};
  ASSERT_TRUE(GradeServerScenario(Minimal(), o).ok());
  EXPECT_EQ(runner.last.argv, std::vector<std::string>{"./client"});
  EXPECT_EQ(runner.last.cwd, "");
}

TEST(ServerGraderTest, ClientThatCannotStartIsAnError) {
  FakeRunner runner;
  runner.fail = true;
  GradeOptions o;
  o.runner = &runner;
  o.port = 0;
  auto r = GradeServerScenario(Minimal(), o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, Verdict::kError);
  EXPECT_EQ(r->failure->message, "dir/s.yaml: cannot run the client: nope: command not found");
}

TEST(ServerGraderTest, NoClientCommandIsInvalid) {
  Scenario sc = Minimal();
  sc.client.clear();
  auto r = GradeServerScenario(sc, GradeOptions{});
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "dir/s.yaml: no client command: give one after `--` or as `client:` in the scenario");
}

TEST(ServerGraderTest, BusyFixedPortIsWaitedForThenAHarnessFault) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  FakeRunner runner;
  GradeOptions o;
  o.runner = &runner;
  o.listen = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  o.step_timeout = Duration(200);
  auto start = std::chrono::steady_clock::now();
  auto r = GradeServerScenario(Minimal(), o);
  EXPECT_GE(std::chrono::steady_clock::now() - start, Duration(200));
  EXPECT_EQ(r.status().code(), Status::Code::kIo);
  EXPECT_NE(r.status().message().find("in use"), std::string::npos) << r.status().message();
  close(fd);
}

TEST(ServerGraderTest, DefaultRunTimeoutSumsTheStepsOwnTimeouts) {
  using std::chrono::seconds;
  Scenario sc = Minimal();  // two steps, no timeouts of their own
  EXPECT_EQ(DefaultRunTimeout(sc, seconds(5)), seconds(5 * 2 + 2 * 5));
  sc.steps[1].timeout = seconds(30);  // one long step counts once, not for every step
  EXPECT_EQ(DefaultRunTimeout(sc, seconds(5)), seconds(5 + 30 + 2 * 5));
  sc.sessions = 3;
  EXPECT_EQ(DefaultRunTimeout(sc, seconds(5)), 3 * seconds(5 + 30 + 2 * 5));
}

// A client that neither connects nor exits, on a clock the test controls:
// each look at the client moves time on by a second, so the 30 s connect
// deadline passes after about 30 looks (tenths of a second of real time,
// not 30 s).
class SilentProcess : public RunningProcess {
 public:
  explicit SilentProcess(test::ManualClock& clock) : clock_(clock) {}
  bool WaitExit(Duration) override { return false; }
  bool Exited() override {
    clock_.Advance(std::chrono::seconds(1));
    return false;
  }
  ProcessOutcome Stop(Duration) override {
    ProcessOutcome o;
    o.signal = 15;
    o.killed = true;
    return o;
  }

 private:
  test::ManualClock& clock_;
};

class SilentRunner : public ProcessRunner {
 public:
  explicit SilentRunner(test::ManualClock& clock) : clock_(clock) {}
  Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec&) override {
    return std::unique_ptr<RunningProcess>(std::make_unique<SilentProcess>(clock_));
  }

 private:
  test::ManualClock& clock_;
};

TEST(ServerGraderTest, TheConnectDeadlineIsDecidedByTheClock) {
  test::ManualClock clock;
  SilentRunner runner(clock);
  GradeOptions o;
  o.runner = &runner;
  o.port = 0;
  o.step_timeout = std::chrono::seconds(30);
  o.clock = &clock;
  uint16_t port = 0;
  o.on_listening = [&](uint16_t p) { port = p; };
  auto real_start = std::chrono::steady_clock::now();
  auto r = GradeServerScenario(Minimal(), o);
  EXPECT_LT(std::chrono::steady_clock::now() - real_start, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, Verdict::kFailed);
  ASSERT_TRUE(r->failure);
  EXPECT_NE(r->failure->message.find(
                "the client never connected to 127.0.0.1:" + std::to_string(port) + " within 30s"),
            std::string::npos)
      << r->failure->message;
  EXPECT_GE(r->duration_ms, 30000);  // on the test's clock
}

}  // namespace
}  // namespace smtp
