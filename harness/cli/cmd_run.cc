// `smtp-harness run PATH...`: load every scenario (all invalid files are
// reported, exit 2, before anything runs), select (--filter, --shard), run
// (-j, --fail-fast), report, and with --update rewrite transcript-form
// scenarios from what was observed.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt_guard.h"
#include "harness/cli/progress_line.h"
#include "harness/cli/run_options_cli.h"
#include "harness/cli/run_output.h"
#include "harness/record/reply_generaliser.h"
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
  bool allow_client = false;
  bool allow_empty = false;
};

// What --update writes for an observed reply line: its volatile words
// (queue ids, dates, host names) as `*`, so the next run against the same
// server passes: "250 2.0.0 Ok: queued as 1.1" -> "250 2.0.0 Ok: queued as *".
std::string GeneraliseReplyLine(const std::string& line) {
  if (line.size() < 3 || !std::isdigit(static_cast<unsigned char>(line[0])) ||
      !std::isdigit(static_cast<unsigned char>(line[1])) ||
      !std::isdigit(static_cast<unsigned char>(line[2])) ||
      (line.size() > 3 && line[3] != ' ' && line[3] != '-')) {
    return line;
  }
  Reply reply;
  reply.code = std::stoi(line.substr(0, 3));
  reply.lines = {line.size() > 4 ? line.substr(4) : ""};
  std::string glob = GeneraliseReply(reply, GeneraliseLevel::kVolatile);
  if (line.size() > 3 && line[3] == '-' && glob.size() > 3) glob[3] = '-';
  return glob;
}

// A run that selects nothing is an error (a CI job would go green having
// run nothing) unless --allow-empty says an empty slice is expected; then
// it says so, writes empty reports and exits 0.
int EmptyRun(const std::string& why, const RunOptions& options, bool allow_empty) {
  if (!allow_empty) {
    std::cerr << "smtp-harness run: no scenarios selected: " << why
              << " (give --allow-empty if an empty run is expected)\n";
    return kExitUsage;
  }
  std::ostream& out = options.ReportOnStdout() ? std::cerr : std::cout;
  out << "smtp-harness run: no scenarios selected (" << why << "); --allow-empty: nothing ran\n";
  RunResult run;
  run.started_at = NowIso8601();
  return FinishRun(run, options);
}

int RunCommand(const RunFlags& flags) {
  auto resolved = ResolveRunOptions(flags.common, isatty(STDOUT_FILENO) == 1);
  if (!resolved.ok()) {
    std::cerr << "smtp-harness run: " << resolved.status().message() << "\n";
    return kExitUsage;
  }
  RunOptions options = *resolved;
  options.update = flags.update;
  options.allow_client = flags.allow_client;
  if (Status s = CheckReportPaths(options); !s.ok()) {
    std::cerr << "smtp-harness run: " << s.message() << "\n";
    return kExitUsage;
  }

  auto files = CollectScenarioFiles(flags.paths, flags.allow_empty);
  if (!files.ok()) {
    std::cerr << "smtp-harness run: " << files.status().message() << "\n";
    if (files.status().message().find("scenario files in it") != std::string::npos) {
      std::cerr << "smtp-harness run: give --allow-empty if an empty run is expected\n";
    }
    return kExitUsage;
  }
  for (const auto& p : flags.paths) {
    std::error_code ec;
    if (!std::filesystem::is_directory(p, ec)) options.named_files.insert(p);
  }
  if (files->empty())
    return EmptyRun("no *.yaml or *.yml scenario files", options, flags.allow_empty);
  LoadOptions load;
  load.allow_outside_files = flags.common.allow_outside_files;
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
  {
    std::vector<std::string> inputs = *files;
    for (const auto& sc : all) {
      for (const auto& step : sc.steps) {
        if (!step.data_file.empty()) inputs.push_back(step.data_file);
      }
    }
    Status paths = CheckReportsAgainstInputs(options, inputs);
    if (!paths.ok()) {
      std::cerr << "smtp-harness run: " << paths.message() << "\n";
      return kExitUsage;
    }
  }

  std::vector<std::string> names;
  for (const auto& s : all) names.push_back(s.name);
  std::vector<Scenario> selected;
  for (size_t i :
       SelectIndices(names, options.filter, Shard{options.shard_index, options.shard_count})) {
    selected.push_back(all[i]);
  }
  if (selected.empty()) {
    Shard shard{options.shard_index, options.shard_count};
    return EmptyRun(DescribeEmptySelection(names, options.filter, shard), options,
                    flags.allow_empty);
  }

  // What is known so far, for a report written on SIGINT.
  std::mutex mu;
  RunResult partial;
  partial.started_at = NowIso8601();
  const auto started = std::chrono::steady_clock::now();
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
      partial.duration_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
              .count();
      // Results arrive in order: the rest never finished.
      for (size_t i = partial.scenarios.size(); i < selected.size(); ++i) {
        partial.scenarios.push_back(NotRunResult(selected[i], options));
        PrintScenarioResult(partial.scenarios.back(), options);
      }
      std::cerr << "smtp-harness run: interrupted; writing the report of what ran\n";
      int status = FinishRun(partial, options);
      std::cout.flush();
      std::_Exit(status == kExitHarness ? kExitHarness : kExitFailed);
    });
    // A live "[3/10] running: ..." line, on a terminal only.
    ProgressLine progress(std::cerr, selected.size(),
                          isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1 &&
                              !options.ReportOnStdout() && std::getenv("TERM") != nullptr &&
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
    std::ostream& out = options.ReportOnStdout() ? std::cerr : std::cout;
    for (const ScenarioResult& r : run.scenarios) {
      auto it = std::find_if(selected.begin(), selected.end(),
                             [&](const Scenario& s) { return s.file == r.file; });
      if (it == selected.end()) continue;
      const Scenario& sc = *it;
      if (!sc.from_transcript || sc.mode != ScenarioMode::kClient) {
        out << "not updated: " << sc.file << ": --update rewrites the `transcript: |` block of "
            << "client-mode scenarios; "
            << (sc.mode != ScenarioMode::kClient
                    ? "this one is server mode"
                    : "this one has `steps:` (edit its expect: by hand)")
            << "\n";
        continue;
      }
      if (r.status == Verdict::kError || r.status == Verdict::kSkipped ||
          r.status == Verdict::kNotRun) {
        out << "not updated: " << sc.file << ": the run did not observe it ("
            << VerdictName(r.status) << ")\n";
        continue;
      }
      auto u = UpdateTranscriptFile(sc, r, GeneraliseReplyLine);
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
  cmd->add_flag("--allow-client", flags->allow_client,
                "run the client: command of server-mode scenarios (otherwise an error: "
                "use grade); only for scenario files you trust");
  cmd->add_flag("--update", flags->update,
                "rewrite transcript-form scenarios from what was observed; print the diff");
  cmd->add_flag("--allow-empty", flags->allow_empty,
                "selecting no scenario (empty directory, --filter, --shard) is not an error: "
                "exit 0 with empty reports");
  cmd->callback([exit_status, flags] { *exit_status = RunCommand(*flags); });
}

}  // namespace smtp::cli
