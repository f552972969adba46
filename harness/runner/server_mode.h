// The dispatch point for server-mode scenarios (SPEC §4): `run` hands every
// `mode: server` scenario to RunServerScenario, which the grade module
// implements (it plays the server and checks the client under test).
#pragma once

#include "harness/report/run_result.h"
#include "harness/runner/run_options.h"
#include "harness/scenario/model.h"

namespace smtp {

ScenarioResult RunServerScenario(const Scenario& scenario, const RunOptions& options);

}  // namespace smtp
