// `smtp-harness run PATH...`: load every scenario (all invalid files are
// reported, exit 2, before anything runs), select (--filter, --shard), run
// (-j, --fail-fast), report, and with --update rewrite transcript-form
// scenarios from what was observed.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt_guard.h"
#include "harness/cli/progress_line.h"
#include "harness/cli/run_options_cli.h"
#include "harness/cli/run_output.h"
#include "harness/runner/selection.h"
#include "harness/runner/suite_runner.h"
#include "harness/runner/transcript_update.h"
#include "harness/scenario/scenario_files.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/util/iso8601.h"

namespace smtp::cli {
namespace {

struct RunFlags {
  std::vector<std::string> paths;
  RunOptionFlags common;
  bool update = false;
};

int RunCommand(const RunFlags& flags) {
  auto resolved = ResolveRunOptions(flags.common, isatty(STDOUT_FILENO) == 1);
  if (!resolved.ok()) {
    std::cerr << "smtp-harness run: " << resolved.status().message() << "\n";
    return kExitUsage;
  }
  RunOptions options = *resolved;
  options.update = flags.update;

  auto files = CollectScenarioFiles(flags.paths);
  if (!files.ok()) {
    std::cerr << "smtp-harness run: " << files.status().message() << "\n";
    return kExitUsage;
  }
  if (files->empty()) {
    std::cerr << "smtp-harness run: no scenario files (*.yaml, *.yml) found\n";
    return kExitUsage;
  }
  LoadOptions load;
  load.vars = VarMap(options.vars.begin(), options.vars.end());
  ScenarioLoader loader(load);
  std::vector<Scenario> all;
  bool invalid = false;
  for (const auto& f : *files) {
    auto r = loader.LoadFile(f);
    if (!r.ok()) {
      std::cerr << r.ErrorText()
                << (r.ErrorText().empty() || r.ErrorText().back() == '\n' ? "" : "\n");
      invalid = true;
      continue;
    }
    all.push_back(std::move(*r.scenario));
  }
  if (invalid) return kExitUsage;

  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  std::vector<Scenario> selected;
  for (size_t i :
       SelectIndices(names, options.filter, Shard{options.shard_index, options.shard_count})) {
    selected.push_back(all[i]);
  }

  // What is known so far, for a report written on SIGINT.
  std::mutex mu;
  RunResult partial;
  partial.started_at = NowIso8601();
  bool finished = false;
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;

  RunResult run;
  {
    InterruptGuard guard([&](int) {
      cancel = true;
      std::lock_guard<std::mutex> lock(mu);
      if (finished) return;
      partial.interrupted = true;
      std::cerr << "smtp-harness run: interrupted; writing the report of what ran\n";
      int status = FinishRun(partial, options);
      std::cout.flush();
      std::_Exit(status == kExitHarness ? kExitHarness : kExitFailed);
    });
    // A live "[3/10] running: ..." line, on a terminal only.
    ProgressLine progress(std::cerr, selected.size(),
                          isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 &&
                              options.report_path != "-" && std::getenv("TERM") != nullptr &&
                              std::string(std::getenv("TERM")) != "dumb");
    size_t reported = 0;  // on_result comes in the scenarios' order
    SuiteHooks hooks;
    hooks.on_start = [&](size_t i, const Scenario& s) { progress.Started(i, s.name); };
    hooks.on_result = [&](const ScenarioResult& r) {
      std::lock_guard<std::mutex> lock(mu);
      progress.Finished(reported++, [&] { PrintScenarioResult(r, options); });
      partial.scenarios.push_back(r);
    };
    run = RunSuite(selected, options, DefaultClientRunnerEnv(), hooks);
    std::lock_guard<std::mutex> lock(mu);
    finished = true;
  }

  if (options.update) {
    std::ostream& out = options.report_path == "-" ? std::cerr : std::cout;
    for (const ScenarioResult& r : run.scenarios) {
      auto it = std::find_if(selected.begin(), selected.end(),
                             [&](const Scenario& s) { return s.file == r.file; });
      if (it == selected.end()) continue;
      const Scenario& sc = *it;
      if (!sc.from_transcript || sc.mode != ScenarioMode::kClient || r.status == Verdict::kError) {
        continue;
      }
      auto u = UpdateTranscriptFile(sc, r);
      if (!u.ok()) {
        std::cerr << "smtp-harness run --update: " << u.status().message() << "\n";
        continue;
      }
      if (u->diff.empty()) {
        out << "unchanged: " << sc.file << "\n";
      } else {
        out << "updated: " << sc.file << "\n" << u->diff;
      }
    }
  }
  return FinishRun(run, options);
}

}  // namespace

void AddRunCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand(
      "run", "Run scenario files, or every *.yaml and *.yml under directories, in name order");
  auto flags = std::make_shared<RunFlags>();
  cmd->add_option("paths", flags->paths, "scenario files or directories")->required();
  AddRunOptions(*cmd, flags->common);
  cmd->add_flag("--update", flags->update,
                "rewrite transcript-form scenarios from what was observed; print the diff");
  cmd->callback([exit_status, flags] { *exit_status = RunCommand(*flags); });
}

}  // namespace smtp::cli
