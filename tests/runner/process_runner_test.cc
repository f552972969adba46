#include "harness/runner/process_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace smtp {
namespace {

using std::chrono::milliseconds;

TEST(SplitCommandLineTest, QuotesAndEscapes) {
  auto r = SplitCommandLine(R"(python3  'my client.py' "a \"b\" $x" c\ d '')");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, (std::vector<std::string>{"python3", "my client.py", "a \"b\" $x", "c d", ""}));
  EXPECT_EQ(SplitCommandLine("a 'b").status().message(), "unterminated ' quote in command: a 'b");
  EXPECT_EQ(SplitCommandLine("  ").status().message(), "empty client command");
}

ProcessSpec Sh(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

TEST(ProcessRunnerTest, CapturesOutputExitCodeAndEnvironment) {
  auto runner = MakePosixProcessRunner();
  ProcessSpec spec = Sh("echo out $SMTP_HARNESS_PORT; echo err >&2; exit 3");
  spec.env["SMTP_HARNESS_PORT"] = "4242";
  auto p = runner->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE((*p)->WaitExit(milliseconds(5000)));
  ProcessOutcome o = (*p)->Stop(milliseconds(100));
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_FALSE(o.signal);
  EXPECT_FALSE(o.killed);
  EXPECT_EQ(o.stdout_text, "out 4242\n");
  EXPECT_EQ(o.stderr_text, "err\n");
}

TEST(ProcessRunnerTest, RunsWithoutAShellAndLooksUpPath) {
  auto runner = MakePosixProcessRunner();
  ProcessSpec spec;
  spec.argv = {"echo", "$HOME", "a;b"};
  auto p = runner->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE((*p)->WaitExit(milliseconds(5000)));
  ProcessOutcome o = (*p)->Stop(milliseconds(100));
  EXPECT_EQ(o.stdout_text, "$HOME a;b\n");  // no shell: nothing expanded, ';' is literal
}

TEST(ProcessRunnerTest, ReportsACommandThatCannotRun) {
  auto runner = MakePosixProcessRunner();
  ProcessSpec spec;
  spec.argv = {"no-such-client-xyz"};
  EXPECT_EQ(runner->Start(spec).status().message(),
            "cannot run the client: no-such-client-xyz: command not found");
  spec.argv = {"/etc/passwd"};
  EXPECT_EQ(runner->Start(spec).status().message(),
            "cannot run the client: /etc/passwd: Permission denied");
}

TEST(ProcessRunnerTest, KillsAHangingClientAndItsWholeGroup) {
  auto runner = MakePosixProcessRunner();
  // A background grandchild that would outlive its parent, and a parent
  // that ignores SIGTERM: both must go.
  auto p = runner->Start(Sh("trap '' TERM; sleep 30 & echo $!; sleep 30"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE((*p)->WaitExit(milliseconds(200)));
  auto start = std::chrono::steady_clock::now();
  ProcessOutcome o = (*p)->Stop(milliseconds(200));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(o.killed);
  EXPECT_EQ(o.signal, SIGKILL);
  EXPECT_FALSE(o.exit_code);
  int grandchild = std::stoi(o.stdout_text);
  std::this_thread::sleep_for(milliseconds(100));
  // Gone, or a zombie waiting for init to reap it.
  std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
  std::string pid, comm, state;
  if (stat >> pid >> comm >> state) {
    EXPECT_EQ(state, "Z");
  }
}

TEST(ProcessRunnerTest, BoundsTheOutputAndKeepsDraining) {
  auto runner = MakePosixProcessRunner();
  ProcessSpec spec = Sh("head -c 300000 /dev/zero | tr '\\0' x; echo done >&2");
  spec.max_output = 1000;
  auto p = runner->Start(spec);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->WaitExit(milliseconds(5000)));
  ProcessOutcome o = (*p)->Stop(milliseconds(100));
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_EQ(o.stdout_text, std::string(1000, 'x') + "\n[truncated: 299000 more bytes]");
  EXPECT_EQ(o.stderr_text, "done\n");
}

// Processes whose command line holds `marker`.
int CountWithMarker(const std::string& marker) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::ifstream in(e.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmd.find(marker) != std::string::npos) ++n;
  }
  return n;
}

class ContainedProcessTest : public ::testing::TestWithParam<Isolation> {};

// Whatever the client started, however (setsid, a double fork, SIGTERM
// ignored, stopped), is gone when Stop returns; the client's own exit is
// seen when it happens, before the rest is killed.
TEST_P(ContainedProcessTest, NothingTheClientStartedOutlivesStop) {
  const std::string marker = "1000." + std::to_string(getpid()) + std::to_string(int(GetParam()));
  ProcessSpec spec =
      Sh("setsid sh -c \"trap '' TERM; exec sleep " + marker + "\" & (setsid sleep " + marker +
         " &) ; sh -c 'kill -STOP $$; sleep " + marker + "' & sleep 0.3; echo started; exit 7");
  spec.isolation = GetParam();
  auto p = MakePosixProcessRunner()->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE((*p)->WaitExit(milliseconds(5000)));
  EXPECT_EQ(CountWithMarker(marker), 3);  // still there after the client exited
  ProcessOutcome o = (*p)->Stop(milliseconds(200));
  EXPECT_EQ(CountWithMarker(marker), 0);
  EXPECT_EQ(o.exit_code, 7);
  EXPECT_FALSE(o.killed);
  EXPECT_EQ(o.left_running, 3);
  EXPECT_EQ(o.stdout_text, "started\n");
  if (GetParam() == Isolation::kSubreaper) {
    EXPECT_EQ(o.isolation, "subreaper");
  }
}

INSTANTIATE_TEST_SUITE_P(Isolations, ContainedProcessTest,
                         ::testing::Values(Isolation::kAuto, Isolation::kSubreaper));

TEST(ProcessRunnerTest, AnEnvironmentOfItsOwnAndAScratchHome) {
  ProcessSpec spec = Sh("env | sort; test -d \"$HOME\" && test -w \"$HOME\" && echo home-ok");
  spec.inherit_env = false;
  spec.env = {{"PATH", "/usr/bin:/bin"}, {"ONLY", "this"}};
  spec.scratch_home = true;
  spec.isolation = Isolation::kAuto;
  auto p = MakePosixProcessRunner()->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE((*p)->WaitExit(milliseconds(5000)));
  ProcessOutcome o = (*p)->Stop(milliseconds(100));
  std::string home = o.stdout_text.substr(o.stdout_text.find("HOME=") + 5);
  home = home.substr(0, home.find('\n'));
  EXPECT_EQ(home.rfind("/tmp/smtp-harness-home-", 0), 0u) << o.stdout_text;
  // sh adds PWD (and may add SHLVL, _); nothing of ours.
  EXPECT_NE(o.stdout_text.find("ONLY=this\n"), std::string::npos);
  EXPECT_NE(o.stdout_text.find("home-ok"), std::string::npos) << o.stdout_text;
  EXPECT_FALSE(std::filesystem::exists(home)) << "the scratch HOME is removed";
  EXPECT_EQ(o.stdout_text.find("SMTP_HARNESS_SOURCE"), std::string::npos);
}

TEST(ProcessRunnerTest, ResourceLimitsApplyToTheClient) {
  ProcessSpec spec = Sh("ulimit -n; ulimit -f; ulimit -t");
  spec.isolation = Isolation::kAuto;
  spec.limits = {{RLIMIT_NOFILE, 64}, {RLIMIT_FSIZE, 1024 * 512}, {RLIMIT_CPU, 7}};
  auto p = MakePosixProcessRunner()->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_TRUE((*p)->WaitExit(milliseconds(5000)));
  EXPECT_EQ((*p)->Stop(milliseconds(100)).stdout_text, "64\n1024\n7\n");  // -f in 512-byte blocks
}

}  // namespace
}  // namespace smtp
