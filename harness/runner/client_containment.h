// How `grade` contains the client under test (SPEC §9, docs/grading.md
// "Threat model"): which user it runs as, the only environment it gets, its
// resource limits and its isolation. ApplyContainment turns the options
// into a ProcessSpec.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/runner/process_runner.h"
#include "harness/util/status.h"

namespace smtp {

// Per-process limits on the client and everything it starts; 0 = no limit.
struct ClientLimits {
  rlim_t processes = 256;             // RLIMIT_NPROC (threads count too)
  rlim_t address_space = 4ull << 30;  // RLIMIT_AS, bytes
  rlim_t file_size = 64ull << 20;     // RLIMIT_FSIZE, bytes
  rlim_t open_files = 256;            // RLIMIT_NOFILE
  rlim_t cpu_seconds = 60;            // RLIMIT_CPU
};

struct ClientContainment {
  // --client-user: a name, UID or UID:GID. Default: "nobody" when the
  // harness runs as root; otherwise the client runs as the harness's user
  // (and naming another user is an error).
  std::optional<std::string> user;
  // --client-env: NAME (its value from the harness's environment, if set)
  // or NAME=VALUE. The client gets only these, PATH, HOME (a scratch
  // directory), LANG and SMTP_HARNESS_PORT.
  std::vector<std::string> env;
  Isolation isolation = Isolation::kAuto;
  ClientLimits limits;
};

// Fills spec.uid/gid, env, limits, isolation and scratch_home. A bad user
// or env entry is an InvalidArgument (exit 2).
Status ApplyContainment(const ClientContainment& c, uint16_t port, ProcessSpec& spec);

// "4G", "512M", "64k", "1000" (bytes), "0" or "unlimited" (no limit).
Result<rlim_t> ParseByteSize(const std::string& text);
// "256", "0" or "unlimited".
Result<rlim_t> ParseCount(const std::string& text);

}  // namespace smtp
