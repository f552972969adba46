// RunServerScenario: `run` (and `grade`) hand server-mode scenarios here; the
// grader does the work. Problems that stop the run before the client is
// judged (cannot bind, no client command) become an `error` result.
#include "harness/runner/server_mode.h"

#include "harness/runner/result_header.h"
#include "harness/runner/server_grader.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

ScenarioResult RunServerScenario(const Scenario& scenario, const RunOptions& options) {
  GradeOptions grade;
  grade.step_timeout = options.timeout;
  auto vars = BuildVarMap(scenario, options.vars);
  if (vars.ok()) grade.vars = *vars;
  auto result = GradeServerScenario(scenario, grade);
  if (result.ok()) return *result;
  ScenarioResult r = ResultHeader(scenario);
  r.target = scenario.listen;
  r.status = Verdict::kError;
  FailureInfo f;
  f.message = result.status().message();
  r.failure = f;
  return r;
}

}  // namespace smtp
