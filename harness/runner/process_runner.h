// ProcessRunner: starts the client under test as a subprocess, without a
// shell, in its own process group, with stdout/stderr captured (bounded) and
// the whole group killed when done. Behind an interface so the grader can be
// tested with a fake.
//
// A RunningProcess is used from one thread; it drains the pipes on a
// background thread of its own, so a client that prints a lot never blocks.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

// Splits a command line the way a POSIX shell splits words: blanks separate,
// '...' is literal, "..." allows \" \\ \$ \` escapes, a backslash outside
// quotes escapes the next character. No expansion of any kind. Fails on an
// unterminated quote or an empty command.
Result<std::vector<std::string>> SplitCommandLine(const std::string& command);

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH unless it holds a '/'
  std::map<std::string, std::string> env;  // added to (or replacing in) the harness's environment
  size_t max_output = 1 << 20;             // per stream; the rest is dropped and marked
  std::string cwd;                         // working directory; empty: the harness's
};

struct ProcessOutcome {
  std::optional<int> exit_code;  // nullopt when killed by a signal
  std::optional<int> signal;
  bool killed = false;      // we had to terminate it (it was still running at Stop)
  std::string stdout_text;  // ends in "\n[truncated: N more bytes]" when capped
  std::string stderr_text;
  double duration_ms = 0;
};

class RunningProcess {
 public:
  virtual ~RunningProcess() = default;  // kills the group if Stop was not called
  // Waits up to `timeout` for the main process to exit; true if it has.
  virtual bool WaitExit(Duration timeout) = 0;
  virtual bool Exited() = 0;
  // SIGTERM to the whole group, `grace` to exit, then SIGKILL; collects the
  // output. Safe to call when the process already exited (the group may
  // still hold children). Idempotent.
  virtual ProcessOutcome Stop(Duration grace) = 0;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Fails (with the reason: not found, not executable) when it cannot start.
  virtual Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec& spec) = 0;
};

// The real thing: fork/exec, setpgid, pipes.
std::unique_ptr<ProcessRunner> MakePosixProcessRunner();

}  // namespace smtp
