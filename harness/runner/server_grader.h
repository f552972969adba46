// Server mode end to end (SPEC §4): listen first, then start the client under
// test, play the scripted sessions on the FakeServer engine, wait for the
// expected sessions (or the client's exit, or the deadlines), always kill
// every process the client started (ClientContainment), and only then turn
// it all into a ScenarioResult: nothing of the client's runs while the
// result is decided or written.
//
// Deadlines: the client must connect within the step timeout; each read waits
// at most the timeout of the step it waits for (its own `timeout:`, else the
// step timeout); the whole run ends at `run_timeout` (default: the sum of the
// steps' timeouts plus two step timeouts, times the sessions); after its last
// session the client gets `exit_grace` to exit.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/report/run_result.h"
#include "harness/runner/client_containment.h"
#include "harness/runner/process_runner.h"
#include "harness/scenario/model.h"
#include "harness/util/clock.h"
#include "harness/util/status.h"

namespace smtp {

struct GradeOptions {
  std::vector<std::string> client_argv;          // `grade ... -- CMD`: overrides `client:`
  std::optional<std::string> listen;             // HOST:PORT, overrides `listen:`
  std::optional<uint16_t> port;                  // overrides the port (0: a free one)
  std::optional<Duration> step_timeout;          // overrides `timeout:`
  std::optional<Duration> run_timeout;           // default: see the deadlines above
  Duration exit_grace{std::chrono::seconds(2)};  // capped by the step timeout
  std::map<std::string, std::string> vars;       // ${name} in replies and matchers
  ClientContainment containment;                 // user, environment, limits, isolation
  ProcessRunner* runner = nullptr;               // default: the POSIX runner
  std::function<void(uint16_t)> on_listening;    // tests: the bound port
  // Decides the connect, run and bind deadlines (tests: a ManualClock);
  // null: the steady clock. Waits still take real time.
  const Clock* clock = nullptr;
  // Set (by grade's SIGINT/SIGTERM watcher) to stop at once: the client and
  // everything it started are killed and the result, an error saying so,
  // holds the steps reached.
  const std::atomic<bool>* cancel = nullptr;
};

// A non-ok Status is a harness fault (cannot bind: exit 3) or an unusable
// client command (invalid arguments: exit 2); everything the client does
// wrong is in the ScenarioResult.
Result<ScenarioResult> GradeServerScenario(const Scenario& scenario, const GradeOptions& options);

// The whole-run timeout when --run-timeout is not given: each step's own
// `timeout:` (else `step_timeout`) summed, plus two step timeouts (the
// connect and the exit), times the scenario's sessions.
Duration DefaultRunTimeout(const Scenario& scenario, Duration step_timeout);

}  // namespace smtp
