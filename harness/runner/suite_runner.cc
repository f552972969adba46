#include "harness/runner/suite_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/runner/result_header.h"
#include "harness/runner/server_mode.h"

namespace smtp {

ScenarioResult NotRunResult(const Scenario& sc, const RunOptions& options) {
  ScenarioResult r = ResultHeader(sc);
  r.target = sc.mode == ScenarioMode::kServer ? sc.listen : options.target.value_or(sc.target);
  r.status = Verdict::kNotRun;
  r.skip_reason = options.fail_fast && !options.cancelled()
                      ? "not run: --fail-fast stopped the run after a failure"
                      : "not finished: the run was interrupted";
  return r;
}

RunResult RunSuite(const std::vector<Scenario>& scenarios, const RunOptions& options,
                   const ClientRunnerEnv& env, const SuiteHooks& hooks) {
  RunResult run;
  run.started_at = NowIso8601();
  auto start = std::chrono::steady_clock::now();

  std::vector<std::optional<ScenarioResult>> results(scenarios.size());
  std::mutex mu;
  size_t next_to_start = 0;
  size_t next_to_report = 0;
  bool stop = false;

  auto worker = [&] {
    while (true) {
      size_t i;
      {
        std::lock_guard<std::mutex> lock(mu);
        if (stop || options.cancelled() || next_to_start >= scenarios.size()) return;
        i = next_to_start++;
        if (hooks.on_start) hooks.on_start(i, scenarios[i]);
      }
      const Scenario& sc = scenarios[i];
      ScenarioResult r = sc.mode == ScenarioMode::kServer ? RunServerScenario(sc, options)
                                                          : RunClientScenario(sc, options, env);
      std::lock_guard<std::mutex> lock(mu);
      if (options.fail_fast && (r.status == Verdict::kFailed || r.status == Verdict::kError)) {
        stop = true;
      }
      results[i] = std::move(r);
      // Report in order: everything finished from the front of the list.
      while (next_to_report < results.size() && results[next_to_report]) {
        if (hooks.on_result) hooks.on_result(*results[next_to_report]);
        ++next_to_report;
      }
    }
  };

  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(scenarios.size())));
  if (jobs <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int j = 0; j < jobs; ++j) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  // With --fail-fast a later scenario may have finished before an earlier
  // one that stopped the run; report those too, in order, and the ones that
  // never started as `not run`.
  for (size_t i = next_to_report; i < results.size(); ++i) {
    if (!results[i]) results[i] = NotRunResult(scenarios[i], options);
    if (hooks.on_result) hooks.on_result(*results[i]);
  }
  for (auto& r : results) run.scenarios.push_back(std::move(*r));
  run.interrupted = options.cancelled();
  run.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return run;
}

}  // namespace smtp
