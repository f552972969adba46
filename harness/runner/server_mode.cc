// RunServerScenario: `run` (and `grade`) hand server-mode scenarios here; the
// grader does the work. Problems that stop the run before the client is
// judged (cannot bind, no client command) become an `error` result.
#include "harness/runner/server_mode.h"

#include "harness/runner/result_header.h"
#include "harness/runner/server_grader.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

ScenarioResult RunServerScenario(const Scenario& scenario, const RunOptions& options) {
  if (!options.allow_client) {
    ScenarioResult r = ResultHeader(scenario);
    r.mode = "server";
    r.target = scenario.listen;
    const std::string how = "grade it with `smtp-harness grade " + scenario.file +
                            "`, or pass --allow-client to run if you trust this file";
    if (options.named_files.count(scenario.file) == 0) {
      // Found by walking a folder: `run scenarios/` must not fail (nor bind
      // 1025) because a lab scenario sits next to the client-mode ones.
      r.status = Verdict::kSkipped;
      r.skip_reason =
          "server-mode scenario: run executes no client command from a scenario file; " + how;
      return r;
    }
    r.status = Verdict::kError;
    FailureInfo f;
    f.message = scenario.file + ": a server-mode scenario runs a client command" +
                (scenario.client.empty() ? std::string() : " (client: " + scenario.client + ")") +
                "; run does not execute commands from scenario files: " + how;
    r.failure = f;
    return r;
  }
  GradeOptions grade;
  grade.step_timeout = options.timeout;
  grade.cancel = options.cancel;
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
