// ProcessRunner: starts the client under test as a subprocess, without a
// shell, with stdout/stderr captured (bounded), and kills everything it
// started when done. Behind an interface so the grader can be tested with a
// fake. The tests start every process they need through it too
// (tests/support/child_process.h).
//
// Containment (grade, docs/grading.md "Threat model"): with an isolation
// other than kProcessGroup the client runs under a keeper process of ours.
// kNamespace: the keeper opens a PID namespace (and a mount namespace with
// its own /proc; as non-root a user namespace too) whose init is ours, so
// the client cannot see or signal anything outside, and killing the init
// kills every process in it, however it was started (setsid, double fork).
// kSubreaper: the keeper is a child subreaper (orphans come back to it) and
// Stop freezes (SIGSTOP) then kills every descendant found in /proc.
// kAuto: the namespace when the kernel allows it, else the subreaper.
// Either way Stop returns only when the keeper and everything under it are
// gone. The client can also run as another user, with resource limits.
//
// A RunningProcess is used from one thread; it drains the pipes on a
// background thread of its own, so a client that prints a lot never blocks.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

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

enum class Isolation { kProcessGroup, kAuto, kNamespace, kSubreaper };

struct ResourceLimit {
  int resource;  // RLIMIT_NPROC, RLIMIT_AS, ...
  rlim_t value;  // soft and hard
};

struct ProcessSpec {
  std::vector<std::string> argv;           // argv[0] is looked up in PATH unless it holds a '/'
  std::map<std::string, std::string> env;  // added to (or replacing in) the harness's environment
  std::vector<std::string> unset_env;      // removed from it
  bool inherit_env = true;                 // false: the environment is exactly `env`
  size_t max_output = 1 << 20;             // per stream; the rest is dropped and marked
  std::string cwd;                         // working directory; empty: the harness's
  Isolation isolation = Isolation::kProcessGroup;
  std::optional<uid_t> uid;  // run as this user (needs root); groups are cleared
  std::optional<gid_t> gid;
  std::vector<ResourceLimit> limits;  // set in the client before exec
  // A fresh empty directory owned by the client's user, given as HOME and
  // removed (with what the client left in it) by Stop.
  bool scratch_home = false;
};

struct ProcessOutcome {
  std::optional<int> exit_code;  // nullopt when killed by a signal
  std::optional<int> signal;
  bool killed = false;      // we had to terminate it (it was still running at Stop)
  std::string stdout_text;  // ends in "\n[truncated: N more bytes]" when capped
  std::string stderr_text;
  double duration_ms = 0;
  std::string isolation;  // what contained it: "pid namespace", "subreaper", "process group"
  int left_running = 0;   // processes of the client still there at Stop (then killed)
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
  // Sends `sig` to the client now (its group, or through the keeper; SIGINT:
  // ask it to stop cleanly).
  virtual void Signal(int sig) { (void)sig; }
  // What it wrote to stdout and stderr so far (capped as in Stop's outcome).
  virtual std::string StdoutSoFar() { return {}; }
  virtual std::string StderrSoFar() { return {}; }
  // The main process's id (also its group's); -1 where there is none (fakes).
  virtual int pid() const { return -1; }
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Fails (with the reason: not found, not executable) when it cannot start.
  virtual Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec& spec) = 0;
};

// The real thing: fork/exec, pipes; a keeper process unless kProcessGroup.
std::unique_ptr<ProcessRunner> MakePosixProcessRunner();

}  // namespace smtp
