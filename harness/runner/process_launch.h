// The child side of the POSIX ProcessRunner: what runs between fork and the
// client's exec. Everything here is async-signal-safe (the harness is
// multi-threaded when it forks): the plan is built before the fork, and the
// child only makes system calls with it.
//
// Process tree (isolation other than kProcessGroup):
//   harness -> keeper -> [namespace init ->] client -> whatever it starts
// The keeper reports on the status pipe, as LaunchMessage records: which
// containment it got ('N' with the init's pid, or 'S'), then the client's
// wait status when the client exits ('X'). The reaper (the init, or the
// keeper as a child subreaper) reaps everything and exits once nothing is
// left under it, so the keeper's exit means everything is gone.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>

#include "harness/runner/process_runner.h"

namespace smtp {

struct LaunchMessage {
  char kind = 0;  // 'N' namespace (a = init pid), 'S' subreaper, 'X' client exit (a = status)
  int32_t a = 0;
  int32_t b = 0;  // 'N': 1 when /proc was remounted
};

// Stages a failure before exec is reported from, with errno.
enum class LaunchStage : int32_t { kExec, kChdir, kSetIds, kLimits, kFork, kNamespace };

struct LaunchFailure {
  int32_t stage = 0;
  int32_t error = 0;
};

struct LaunchPlan {
  // The program, or for a bare name every PATH candidate in order: each is
  // tried as the client's user (execvp's way), so a directory only the
  // harness's user can enter does not shadow one the client can use.
  const char* const* exe_candidates = nullptr;  // nullptr-terminated
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* cwd = nullptr;  // nullptr: stay
  Isolation isolation = Isolation::kProcessGroup;
  bool set_ids = false;
  uid_t uid = 0;
  gid_t gid = 0;
  const ResourceLimit* limits = nullptr;
  size_t limit_count = 0;
  bool outer_root = false;        // the harness runs as root
  const char* uid_map = nullptr;  // "UID UID 1\n": non-root user namespace maps
  const char* gid_map = nullptr;
  pid_t harness_pid = 0;
  int out_fd = -1, err_fd = -1;  // write ends of the capture pipes
  int failure_fd = -1;           // LaunchFailure, close-on-exec
  int status_fd = -1;            // LaunchMessage stream
};

// In the forked child: becomes the keeper (or, for kProcessGroup, the client
// itself). Never returns.
[[noreturn]] void RunLaunchedChild(const LaunchPlan& plan);

}  // namespace smtp
