// SuiteRunner: runs loaded scenarios (client mode through the client runner,
// server mode through RunServerScenario), -j N at a time on a small thread
// pool, and collects a RunResult in the scenarios' order whatever order they
// finish in. --fail-fast stops starting new scenarios after the first
// failure or error; a cancel (SIGINT) likewise. Scenarios never started are
// in the result as `not run` (Verdict::kNotRun, skip_reason says why).
#pragma once

#include <functional>
#include <vector>

#include "harness/report/run_result.h"
#include "harness/runner/client_runner.h"
#include "harness/runner/run_options.h"
#include "harness/scenario/model.h"
#include "harness/util/iso8601.h"

namespace smtp {

struct SuiteHooks {
  // Called once per finished scenario, in the scenarios' order (a result
  // waits for those before it), from whichever thread finished it; calls
  // never overlap.
  std::function<void(const ScenarioResult&)> on_result;
  // Called as scenario `index` (of the list given) starts, from the thread
  // that runs it; calls never overlap with each other or with on_result.
  std::function<void(size_t index, const Scenario&)> on_start;
};

// The scenarios run as given (select with SelectIndices first).
RunResult RunSuite(const std::vector<Scenario>& scenarios, const RunOptions& options,
                   const ClientRunnerEnv& env, const SuiteHooks& hooks = {});

// A scenario --fail-fast (or an interrupt) kept from starting: reported as
// `not run`, so the reports list every selected scenario.
ScenarioResult NotRunResult(const Scenario& scenario, const RunOptions& options);

}  // namespace smtp
