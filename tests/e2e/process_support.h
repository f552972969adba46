// Runs a process for the end-to-end tests: argv[0] (a path, no shell) with
// stdin from /dev/null, stdout and stderr captured, an optional working
// directory and environment changes, killed at a deadline (optionally sent
// SIGINT first). The e2e helpers (run_support.h, send_support.h) share it;
// it is tests/support/child_process.h, over the harness's own ProcessRunner.
#pragma once

#include "tests/support/child_process.h"

namespace smtp::e2e {

using test::ProcOptions;
using test::ProcResult;
using test::RunProcess;

}  // namespace smtp::e2e
