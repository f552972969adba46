// From what happened in a server-mode run (the session reports, the client
// process's fate) to the ScenarioResult the reports show: verdict, the first
// failure with a reason a student can act on, per-step points. Pure.
//
// Points (SPEC §4 `points:`): steps that carry `points:` keep them; the
// scenario's points minus those are spread evenly over the check steps
// (expect, expect_data, expect_close) without their own. With no points
// anywhere each check is worth 1, so Gradescope still gets one test per
// check. With several sessions each session's checks share the step's points.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/report/run_result.h"
#include "harness/runner/scripted_session.h"
#include "harness/scenario/model.h"

namespace smtp {

struct ServerRunFacts {
  std::string listen;                             // "127.0.0.1:40123", as the client was told
  std::vector<SessionReport> sessions;            // in session order
  ClientProcessResult client;                     // exit code, output, received bytes
  std::optional<std::string> client_start_error;  // the command could not run
  Duration step_timeout{0};
  Duration run_timeout{0};
  bool run_timed_out = false;            // the whole-run deadline passed
  bool never_connected_timeout = false;  // waited step_timeout for a first connection
  bool killed_after_sessions = false;    // sessions done, client did not exit
  bool interrupted = false;              // SIGINT/SIGTERM: stopped before the end
  double duration_ms = 0;
};

ScenarioResult AssembleServerResult(const Scenario& scenario, const ServerRunFacts& facts);

// "exited with code 1", "was killed by signal 11 (SIGSEGV)", ...
std::string DescribeClientExit(const ClientProcessResult& client);

}  // namespace smtp
