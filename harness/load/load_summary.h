// The text summary `load` prints at the end (the JSON report holds the same
// figures), and the one-line live progress shown on a terminal. Pure text.
#pragma once

#include <string>

#include "harness/load/load_runner.h"
#include "harness/report/load_run_result.h"

namespace smtp {

std::string FormatLoadSummary(const LoadRunResult& result);

// "1234 sessions, 2011/s, 3 failed, 0 errors, 0.6s" (no line ending).
std::string FormatLoadProgress(const LoadProgressSnapshot& progress);

}  // namespace smtp
