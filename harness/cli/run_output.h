// The end of every run-like command (`run`, `grade`, `load`): write the JSON
// report (a file, or stdout with `--report -`), the JUnit, Gradescope and
// HTML files when asked, print the text summary, and choose the exit status:
// 0 all passed (or skipped), 1 a scenario failed or errored or the run was
// interrupted, 3 a report could not be written.
#pragma once

#include <iosfwd>

#include "harness/report/run_result.h"
#include "harness/runner/run_options.h"

namespace smtp::cli {

int FinishRun(const RunResult& run, const RunOptions& options);

// Per-scenario line (and, for failures, the one-line message on stderr) as
// each result arrives; nothing on stdout with `--report -`.
void PrintScenarioResult(const ScenarioResult& result, const RunOptions& options);

}  // namespace smtp::cli
