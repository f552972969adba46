// The part of a ScenarioResult that comes from the scenario itself (name,
// file, description, tags, RFCs, mode), filled in one place for the client
// runner, the server grader and the error results of both.
#pragma once

#include "harness/report/run_result.h"
#include "harness/scenario/model.h"

namespace smtp {

// A result for `scenario` with its header filled and nothing run yet;
// the caller sets the target and what happened.
ScenarioResult ResultHeader(const Scenario& scenario);

}  // namespace smtp
