// `smtp-harness load SCENARIO`: one client-mode scenario replayed as many
// sessions (harness/load/). Live progress on a terminal (stderr, one line
// redrawn), then the summary, and the JSON report with the same figures.
// Exit 0 all sessions passed, 1 any failed or errored, 2 usage or invalid
// scenario, 3 harness fault (cannot start the fake server, write the report).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <optional>

#include "harness/cli/commands.h"
#include "harness/cli/interrupt_guard.h"
#include "harness/cli/run_options_cli.h"
#include "harness/load/load_runner.h"
#include "harness/load/load_summary.h"
#include "harness/report/html_report.h"
#include "harness/report/load_report.h"
#include "harness/scenario/scenario_loader.h"

namespace smtp::cli {
namespace {

struct LoadFlags {
  std::string scenario;
  RunOptionFlags common;
  std::optional<int64_t> sessions;  // signed: `-n -1` must be refused, not wrap
  std::string duration;
  int concurrency = 1;
  double rate = 0;
  bool reuse = false;
  int threads = 0;
};

int LoadCommand(const LoadFlags& flags) {
  auto resolved = ResolveRunOptions(flags.common, isatty(STDOUT_FILENO) == 1);
  if (!resolved.ok()) {
    std::cerr << "smtp-harness load: " << resolved.status().message() << "\n";
    return kExitUsage;
  }
  // The shared options (SPEC §2) that mean nothing for one scenario's load
  // are refused with what to use instead, rather than silently ignored.
  const RunOptionFlags& c = flags.common;
  std::string refused = OneScenarioRefusal(c, "load", "for parallel sessions use -c/--concurrency");
  if (!c.junit.empty() || !c.gradescope.empty() || c.gradescope_format != "text") {
    refused = "--junit and --gradescope are for run and grade; load writes --report and --html";
  } else if (refused.empty() && (c.tls_verify || !c.ca_file.empty())) {
    refused =
        "load does not verify TLS certificates (--tls-verify, --ca-file); check them with run";
  }
  if (!refused.empty()) {
    std::cerr << "smtp-harness load: " << refused << "\n";
    return kExitUsage;
  }
  if (Status s = CheckReportPaths(*resolved); !s.ok()) {
    std::cerr << "smtp-harness load: " << s.message() << "\n";
    return kExitUsage;
  }
  LoadRunOptions opt;
  opt.run = *resolved;
  if (flags.sessions && *flags.sessions < 1) {
    std::cerr << "smtp-harness load: invalid -n/--sessions " << *flags.sessions
              << ": expected 1 or more (for a time limit use --duration)\n";
    return kExitUsage;
  }
  opt.sessions = flags.sessions ? static_cast<uint64_t>(*flags.sessions) : 0;
  opt.concurrency = flags.concurrency;
  opt.rate = flags.rate;
  opt.reuse = flags.reuse;
  opt.threads = flags.threads;  // 0: the runner picks (DefaultLoadThreads)
  if (!flags.duration.empty()) {
    auto d = ParseDuration(flags.duration);
    if (!d.ok()) {
      std::cerr << "smtp-harness load: --duration: " << d.status().message() << "\n";
      return kExitUsage;
    }
    opt.duration = *d;
  } else if (opt.sessions == 0) {
    opt.sessions = 100;
  }
  if (opt.rate < 0) {
    std::cerr << "smtp-harness load: --rate must not be negative\n";
    return kExitUsage;
  }

  LoadOptions load;
  load.vars = VarMap(opt.run.vars.begin(), opt.run.vars.end());
  load.allow_outside_files = flags.common.allow_outside_files;
  auto loaded = ScenarioLoader(load).LoadFile(flags.scenario);
  if (!loaded.ok()) {
    std::cerr << loaded.ErrorText();
    return kExitUsage;
  }
  if (Status s =
          CheckReportsAgainstInputs(opt.run, ScenarioInputs(flags.scenario, *loaded.scenario));
      !s.ok()) {
    std::cerr << "smtp-harness load: " << s.message() << "\n";
    return kExitUsage;
  }

  std::atomic<bool> cancel{false};
  opt.run.cancel = &cancel;
  bool tty = isatty(STDERR_FILENO) == 1;
  LoadHooks hooks;
  if (tty) {
    hooks.on_progress = [](const LoadProgressSnapshot& p) {
      std::cerr << "\r\033[K" << FormatLoadProgress(p) << std::flush;
    };
  }
  Result<LoadRunResult> result = Status::Internal("not run");
  {
    // Ctrl-C stops claiming sessions; the running ones finish, then the summary.
    InterruptGuard guard([&](int) { cancel = true; });
    result = RunLoad(*loaded.scenario, opt, hooks);
  }
  if (tty) std::cerr << "\r\033[K" << std::flush;
  if (!result.ok()) {
    std::cerr << "smtp-harness load: " << result.status().message() << "\n";
    return result.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitHarness;
  }
  result->command_line = opt.run.command_line;
  if (!opt.run.ReportOnStdout()) std::cout << FormatLoadSummary(*result) << std::flush;
  if (Status s = WriteLoadJsonReport(*result, opt.run.report_path); !s.ok()) {
    std::cerr << "smtp-harness load: " << s.message() << "\n";
    return kExitHarness;
  }
  if (!opt.run.html_path.empty()) {
    if (Status s = WriteLoadHtmlReport(*result, opt.run.html_path); !s.ok()) {
      std::cerr << "smtp-harness load: " << s.message() << "\n";
      return kExitHarness;
    }
  }
  bool all_ok = result->failed == 0 && result->errors == 0 && !result->interrupted;
  return all_ok ? kExitOk : kExitFailed;
}

}  // namespace

void AddLoadCommand(CLI::App& app, int* exit_status) {
  auto* cmd =
      app.add_subcommand("load", "Replay one client-mode scenario as many concurrent sessions");
  auto flags = std::make_shared<LoadFlags>();
  cmd->add_option("scenario", flags->scenario, "a client-mode scenario file")->required();
  AddRunOptions(*cmd, flags->common);
  // Accepted as everywhere (SPEC §2) but not listed: they do nothing for a
  // load, and LoadCommand refuses those that would mislead.
  HideOptions(*cmd,
              {"--junit", "--gradescope", "--gradescope-format", "--jobs", "--filter", "--shard",
               "--fail-fast", "--verbose", "--no-color", "--tls-verify", "--ca-file"});
  cmd->add_option("-n,--sessions", flags->sessions,
                  "total sessions (default 100; with --reuse: transactions)");
  cmd->add_option("--duration", flags->duration,
                  "run for this long instead of a number of sessions (e.g. 10s)");
  cmd->add_option("-c,--concurrency", flags->concurrency, "sessions in flight at once (default 1)");
  cmd->add_option("--rate", flags->rate,
                  "start at most R sessions per second (default: as fast as possible)");
  cmd->add_flag("--reuse", flags->reuse,
                "keep connections open: repeat the steps between the greeting/EHLO and QUIT");
  cmd->add_option("--threads", flags->threads,
                  "I/O threads, one io_context each (default: the number of cores; half of "
                  "them when the target is on this machine)");
  cmd->callback([exit_status, flags] { *exit_status = LoadCommand(*flags); });
}

}  // namespace smtp::cli
