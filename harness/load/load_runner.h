// RunLoad: `smtp-harness load` without the CLI. Compiles the scenario into a
// LoadPlan, starts the target (one embedded FakeServer for the whole load
// when the target is fake), runs `threads` io_contexts, each with its share
// of the `concurrency` lanes, until `sessions` are done or `duration` has
// passed, and merges the threads' statistics.
//
// Errors: InvalidArgument for what the user asked wrongly (exit 2);
// anything else (cannot start the fake server, a harness fault) exit 3.
// Session failures are not errors here: they are counted in the result.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "harness/report/load_run_result.h"
#include "harness/runner/run_options.h"
#include "harness/scenario/model.h"
#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

struct LoadRunOptions {
  RunOptions run;         // target, vars, timeout, cancel
  uint64_t sessions = 0;  // total; 0 with a duration: as many as fit
  std::optional<Duration> duration;
  int concurrency = 1;
  double rate = 0;  // sessions per second over all lanes; 0: as fast as possible
  bool reuse = false;
  int threads = 0;  // 0: DefaultLoadThreads for this machine and target
};

// The I/O threads `load` uses when --threads is not given: one per core, but
// only half the cores (at least one) when the target runs on this machine
// (the embedded fake server, or a loopback address): the server under test
// needs CPU too. On 2 cores against a local smtp-sink, 2 client threads
// made 0.8x the messages/s of 1 (three busy threads on two cores, and twice
// the wake-ups for the server to pay); see docs/performance.md.
int DefaultLoadThreads(unsigned cores, bool local_target);

struct LoadProgressSnapshot {
  uint64_t done = 0, failed = 0, errors = 0;
  double elapsed_s = 0;
};

struct LoadHooks {
  // Called on the calling thread every `progress_interval` while running.
  std::function<void(const LoadProgressSnapshot&)> on_progress;
  Duration progress_interval{std::chrono::milliseconds(250)};
};

Result<LoadRunResult> RunLoad(const Scenario& scenario, const LoadRunOptions& options,
                              const LoadHooks& hooks = {});

}  // namespace smtp
