#include "harness/runner/process_runner.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
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

}  // namespace
}  // namespace smtp
