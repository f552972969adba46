// The options `run`, `grade` and `load` share (SPEC §2): --target, --var,
// --timeout, --report, --junit, --gradescope, -j, --filter, --shard,
// --fail-fast, -v, --no-color. AddRunOptions registers them on a CLI11
// subcommand; ResolveRunOptions turns what was parsed into RunOptions,
// checking values (a usage error is exit 2, before anything runs).
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "harness/runner/run_options.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace CLI {
class App;
}

namespace smtp::cli {

// Raw flag values as CLI11 fills them; keep alive until the callback runs.
struct RunOptionFlags {
  std::string target;
  std::vector<std::string> vars;
  std::string timeout;
  std::string report = "smtp-harness-report.json";
  std::string junit;
  std::string gradescope;
  std::string gradescope_format = "text";
  std::string html;
  int jobs = 1;
  std::string filter;
  std::string shard;
  bool fail_fast = false;
  bool verbose = false;
  bool no_color = false;
  bool tls_verify = false;
  std::string ca_file;
  bool allow_outside_files = false;  // data: {file} may leave the scenario's folder
};

void AddRunOptions(CLI::App& cmd, RunOptionFlags& flags);

// For `load` and `grade`, which run one scenario: the shared options that
// mean nothing to them stay accepted (SPEC §2) but leave --help, and those
// that would mislead are refused with what to use instead.
void HideOptions(CLI::App& cmd, std::initializer_list<const char*> names);
// "" when none of -j, --filter, --shard, --fail-fast was given; else the
// usage error for `command`, with `parallel_hint` for -j (what runs things
// in parallel for this command).
std::string OneScenarioRefusal(const RunOptionFlags& flags, const std::string& command,
                               const std::string& parallel_hint);

// Every report path given (--report, --junit, --gradescope, --html) can be
// written: checked before anything runs, so a typo in a path is a usage
// error (exit 2) rather than a lost report after the whole suite ran.
Status CheckReportPaths(const RunOptions& options);

// No report path names one of `inputs` (scenario files, their data files,
// a client program) or the same file as another report (output_paths.h).
// run, load and grade call it once the scenarios are loaded.
// A scenario file and the files its steps read (data: {file}).
std::vector<std::string> ScenarioInputs(const std::string& file, const Scenario& scenario);

Status CheckReportsAgainstInputs(const RunOptions& options, const std::vector<std::string>& inputs);

// Colour: only on a TTY, never with NO_COLOR set (any value) or --no-color.
Result<RunOptions> ResolveRunOptions(const RunOptionFlags& flags, bool stdout_is_tty);

}  // namespace smtp::cli
