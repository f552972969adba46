// `smtp-harness grade` exit statuses for what is not the client's fault:
// 2 for a scenario that cannot be graded, 3 when the port cannot be bound.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/runner/process_runner.h"
#include "tests/support/child_process.h"

namespace smtp {
namespace {

const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

ProcessOutcome RunGrade(std::vector<std::string> args) {
  ProcessSpec spec;
  spec.argv = {SMTP_HARNESS_BINARY, "grade"};
  spec.argv.insert(spec.argv.end(), args.begin(), args.end());
  auto p = MakePosixProcessRunner()->Start(spec);
  if (!p.ok()) {
    ADD_FAILURE() << p.status().message();
    return {};
  }
  EXPECT_TRUE((*p)->WaitExit(std::chrono::seconds(30)));
  return (*p)->Stop(std::chrono::milliseconds(100));
}

TEST(GradeCli, ClientModeScenarioIsAUsageError) {
  std::string scenario = kSource + "/scenarios/basic_send.yaml";
  ProcessOutcome o = RunGrade({scenario, "--report", "/dev/null", "--", "/bin/true"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.stderr_text, "smtp-harness grade: " + scenario +
                               ": grade needs a server-mode scenario (mode: server); use `run` for "
                               "client-mode scenarios\n");
}

TEST(GradeCli, NoClientCommandIsAUsageError) {
  std::string scenario = kSource + "/tests/fixtures/grade/two_sessions.yaml";
  ProcessOutcome o = RunGrade({scenario, "--report", "/dev/null"});
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_EQ(o.stderr_text, "smtp-harness grade: " + scenario +
                               ": no client command: give one after `--` or as `client:` in the "
                               "scenario\n");
}

TEST(GradeCli, SharedOptionsThatMeanNothingForGradeAreRefusedWithWhatToUse) {
  std::string scenario = kSource + "/tests/fixtures/grade/two_sessions.yaml";
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--target", "smtp://127.0.0.1:25"}, "the client under test connects to it"},
      {{"-j", "2"}, "use `sessions:` in the scenario"},
      {{"--filter", "x"}, "grade runs one"},
      {{"--fail-fast"}, "grade runs one"},
      {{"--tls-verify"}, "grade plays the server"},
  };
  for (const auto& [flag, says] : cases) {
    std::vector<std::string> args = {scenario, "--report", "/dev/null"};
    args.insert(args.end(), flag.begin(), flag.end());
    args.insert(args.end(), {"--", "/bin/true"});
    ProcessOutcome o = RunGrade(args);
    EXPECT_EQ(o.exit_code, 2) << flag[0];
    EXPECT_NE(o.stderr_text.find(says), std::string::npos) << flag[0] << ": " << o.stderr_text;
  }
}

TEST(GradeCli, HelpListsOnlyWhatGradeUses) {
  ProcessOutcome o = RunGrade({"--help"});
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_NE(o.stdout_text.find("--gradescope"), std::string::npos) << o.stdout_text;
  EXPECT_NE(o.stdout_text.find("--listen"), std::string::npos) << o.stdout_text;
  EXPECT_EQ(o.stdout_text.find("--target"), std::string::npos) << o.stdout_text;
  EXPECT_EQ(o.stdout_text.find("--shard"), std::string::npos) << o.stdout_text;
}

TEST(GradeCli, PortThatCannotBeBoundIsAHarnessFault) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  std::string port = std::to_string(ntohs(a.sin_port));
  ProcessOutcome o = RunGrade({kSource + "/scenarios/lab/lab_strict.yaml", "--port", port,
                               "--timeout", "300ms", "--report", "/dev/null", "--", "/bin/true"});
  close(fd);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_EQ(o.stderr_text.rfind("smtp-harness grade: cannot bind 127.0.0.1:" + port + ": ", 0), 0u)
      << o.stderr_text;
}

// Ctrl-C during a grade: the client (and what it started) is stopped, the
// report of the steps reached is written, exit 1. Before, SIGINT killed
// grade outright: no report, and the verdict was lost.
TEST(GradeCli, SigintStopsTheClientAndWritesTheReport) {
  std::string dir = ::testing::TempDir() + "grade_sigint_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::all);  // the client runs as nobody
  // Says EHLO, then stalls; a child of it (`sleep 67.PID`, a name no other
  // test run on the machine uses) must die with it.
  const std::string marker = "67." + std::to_string(getpid());
  const std::string client =
      "import os, socket, subprocess, time\n"
      "subprocess.Popen(['sleep', '" +
      marker +
      "'])\n"
      "s = socket.create_connection(('127.0.0.1', int(os.environ['SMTP_HARNESS_PORT'])))\n"
      "s.recv(1000)\n"
      "s.sendall(b'EHLO me\\r\\n')\n"
      "time.sleep(60)\n";
  const std::string report = dir + "/r.json";
  test::ProcOptions o;
  o.sigint_after = std::chrono::milliseconds(1500);
  o.timeout = std::chrono::seconds(30);
  auto r = test::RunProcess(
      {SMTP_HARNESS_BINARY, "grade", kSource + "/scenarios/lab/lab_strict.yaml", "--port", "0",
       "--timeout", "20s", "--report", report, "--", "/usr/bin/python3", "-c", client},
      o);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_LT(r.elapsed_ms, 10000) << r.err;
  EXPECT_NE(r.err.find("interrupted; stopping the client"), std::string::npos) << r.err;
  std::ifstream in(report);
  ASSERT_TRUE(in.good()) << "no report written: " << r.out << r.err;
  std::stringstream text;
  text << in.rdbuf();
  auto j = nlohmann::json::parse(text.str());
  EXPECT_EQ(j["interrupted"], true);
  ASSERT_EQ(j["scenarios"].size(), 1u);
  const auto& sc = j["scenarios"][0];
  EXPECT_EQ(sc["status"], "error");
  EXPECT_NE(sc["failure"]["message"].get<std::string>().find("interrupted (SIGINT/SIGTERM)"),
            std::string::npos)
      << sc["failure"];
  // The steps the client reached are there: the greeting and its EHLO passed.
  EXPECT_EQ(sc["steps"][0]["status"], "passed") << sc["steps"];
  EXPECT_EQ(sc["steps"][1]["status"], "passed") << sc["steps"];
  // Nothing of the client is left running.
  FILE* ps = popen(("pgrep -f '^sleep " + marker + "$'").c_str(), "r");
  char buf[64] = {0};
  bool left = ps && fgets(buf, sizeof buf, ps) != nullptr;
  if (ps) pclose(ps);
  EXPECT_FALSE(left) << "the client's child survived: pid " << buf;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp
