// `smtp-harness grade SCENARIO -- CMD...`: server mode with a client command
// (SPEC §2, §4). Parses flags, calls the grader, hands the result to the
// shared report/exit-status code.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "harness/cli/choice_option.h"
#include "harness/cli/commands.h"
#include "harness/cli/interrupt_guard.h"
#include "harness/cli/run_options_cli.h"
#include "harness/cli/run_output.h"
#include "harness/runner/server_grader.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/var_expander.h"
#include "harness/util/iso8601.h"

namespace smtp::cli {
namespace {

// --client-isolation.
const Choice<Isolation> kIsolations[] = {{"auto", Isolation::kAuto},
                                         {"namespace", Isolation::kNamespace},
                                         {"subreaper", Isolation::kSubreaper}};

struct GradeFlags {
  RunOptionFlags common;
  std::string scenario;
  std::vector<std::string> command;
  std::string run_timeout;
  std::string listen;
  int port = -1;
  std::string client_user;
  std::vector<std::string> client_env;
  std::string max_procs, max_memory, max_file_size, max_open_files, max_cpu;
  std::string isolation = "auto";
};

// The containment flags (SPEC §9; docs/grading.md "Threat model").
Status ResolveContainment(const GradeFlags& f, ClientContainment& c) {
  if (!f.client_user.empty()) c.user = f.client_user;
  c.env = f.client_env;
  const std::pair<const std::string*, rlim_t*> counts[] = {
      {&f.max_procs, &c.limits.processes}, {&f.max_open_files, &c.limits.open_files}};
  const char* count_flags[] = {"--client-max-procs", "--client-max-open-files"};
  for (size_t i = 0; i < 2; ++i) {
    if (counts[i].first->empty()) continue;
    auto v = ParseCount(*counts[i].first);
    if (!v.ok()) return v.status().Prefixed(count_flags[i]);
    *counts[i].second = *v;
  }
  const std::pair<const std::string*, rlim_t*> sizes[] = {{&f.max_memory, &c.limits.address_space},
                                                          {&f.max_file_size, &c.limits.file_size}};
  const char* size_flags[] = {"--client-max-memory", "--client-max-file-size"};
  for (size_t i = 0; i < 2; ++i) {
    if (sizes[i].first->empty()) continue;
    auto v = ParseByteSize(*sizes[i].first);
    if (!v.ok()) return v.status().Prefixed(size_flags[i]);
    *sizes[i].second = *v;
  }
  if (!f.max_cpu.empty()) {
    if (f.max_cpu == "unlimited" || f.max_cpu == "0") {
      c.limits.cpu_seconds = 0;
    } else {
      auto d = ParseDuration(f.max_cpu);
      if (!d.ok()) return d.status().Prefixed("--client-max-cpu");
      auto secs = std::chrono::ceil<std::chrono::seconds>(*d).count();
      c.limits.cpu_seconds = static_cast<rlim_t>(std::max<long long>(1, secs));
    }
  }
  c.isolation = ChoiceValue(kIsolations, f.isolation, Isolation::kAuto);
  return Status::Ok();
}

int Fail(int status, const std::string& message) {
  std::cerr << "smtp-harness grade: " << message << "\n";
  return status;
}

int RunGrade(const GradeFlags& flags) {
  const auto started = std::chrono::steady_clock::now();
  const std::string started_at = NowIso8601();
  auto common = ResolveRunOptions(flags.common, isatty(1) != 0);
  if (!common.ok()) return Fail(kExitUsage, common.status().message());
  const RunOptions& run_options = *common;
  // Shared options (SPEC §2) that mean nothing when the harness plays the
  // server for one scenario: refused with what to use instead.
  const RunOptionFlags& c = flags.common;
  std::string refused =
      OneScenarioRefusal(c, "grade", "for several clients at once use `sessions:` in the scenario");
  if (refused.empty() && !c.target.empty()) {
    refused =
        "--target is for client mode; grade plays the server: the client under test connects to "
        "it (--listen, --port)";
  } else if (refused.empty() && (c.tls_verify || !c.ca_file.empty())) {
    refused = "--tls-verify and --ca-file check a server's certificate; grade plays the server";
  }
  if (!refused.empty()) return Fail(kExitUsage, refused);
  if (Status s = CheckReportPaths(run_options); !s.ok()) return Fail(kExitUsage, s.message());

  GradeOptions options;
  options.step_timeout = run_options.timeout;
  if (!flags.run_timeout.empty()) {
    auto d = ParseDuration(flags.run_timeout);
    if (!d.ok()) return Fail(kExitUsage, "--run-timeout: " + d.status().message());
    options.run_timeout = *d;
  }
  if (!flags.listen.empty()) options.listen = flags.listen;
  if (flags.port >= 0) options.port = static_cast<uint16_t>(flags.port);
  options.client_argv = flags.command;
  if (Status s = ResolveContainment(flags, options.containment); !s.ok()) {
    return Fail(kExitUsage, s.message());
  }

  LoadOptions load;
  load.vars = run_options.vars;
  load.allow_outside_files = flags.common.allow_outside_files;
  LoadResult loaded = ScenarioLoader(load).LoadFile(flags.scenario);
  if (!loaded.ok()) {
    std::cerr << loaded.ErrorText();
    return kExitUsage;
  }
  const Scenario& scenario = *loaded.scenario;
  if (scenario.mode != ScenarioMode::kServer) {
    return Fail(kExitUsage, flags.scenario +
                                ": grade needs a server-mode scenario (mode: server); use `run` "
                                "for client-mode scenarios");
  }
  // The client program and its file arguments are inputs too.
  std::vector<std::string> inputs = ScenarioInputs(flags.scenario, scenario);
  inputs.insert(inputs.end(), flags.command.begin(), flags.command.end());
  if (Status s = CheckReportsAgainstInputs(run_options, inputs); !s.ok()) {
    return Fail(kExitUsage, s.message());
  }
  auto vars = BuildVarMap(scenario, run_options.vars);
  if (!vars.ok()) return Fail(kExitUsage, vars.status().message());
  options.vars = *vars;

  // SIGINT/SIGTERM: the first stops the client (and all it started) and
  // grade writes the report of the steps reached, exit 1; a second one
  // while that takes its time exits at once.
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  InterruptGuard guard([&cancel](int) {
    if (cancel.exchange(true)) std::_Exit(kExitFailed);
    std::cerr << "smtp-harness grade: interrupted; stopping the client and writing the report\n";
  });
  auto graded = GradeServerScenario(scenario, options);
  if (!graded.ok()) {
    bool usage = graded.status().code() == Status::Code::kInvalidArgument;
    return Fail(usage ? kExitUsage : kExitHarness, graded.status().message());
  }
  RunResult run;
  run.started_at = started_at;
  run.interrupted = cancel.load();
  run.scenarios.push_back(std::move(*graded));
  run.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  PrintScenarioResult(run.scenarios[0], run_options);
  return FinishRun(run, run_options);
}

}  // namespace

void AddGradeCommand(CLI::App& app, int* exit_status) {
  auto* cmd =
      app.add_subcommand("grade", "Server mode: serve a scenario, run a client command, verify it");
  cmd->footer(
      "The client gets the port in $SMTP_HARNESS_PORT, and an environment of PATH, HOME (a "
      "scratch directory), LANG and what --client-env names; nothing else of yours. It runs in "
      "a PID namespace (else under a subreaper), as --client-user (default nobody when root), "
      "with the limits above; everything it started is killed before the verdict.\n"
      "Exit status: 0 passed, 1 failed, 2 invalid scenario or usage, 3 cannot bind or write a "
      "report.");
  auto flags = std::make_shared<GradeFlags>();
  cmd->add_option("scenario", flags->scenario, "a server-mode scenario file")->required();
  cmd->add_option("command", flags->command,
                  "the client command, after `--` (overrides the scenario's client:)");
  AddRunOptions(*cmd, flags->common);
  // Accepted as everywhere (SPEC §2) but not listed: RunGrade refuses them.
  HideOptions(*cmd, {"--target", "--jobs", "--filter", "--shard", "--fail-fast", "--tls-verify",
                     "--ca-file"});
  cmd->add_option(
      "--run-timeout", flags->run_timeout,
      "whole-run timeout (default: the sum of the steps' timeouts plus two step timeouts, x "
      "sessions)");
  cmd->add_option("--port", flags->port, "port to listen on (0: a free one, told to the client)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--listen", flags->listen, "HOST:PORT to listen on (default: the scenario's)");
  cmd->add_option("--client-user", flags->client_user,
                  "run the client as USER, UID or UID:GID (default when root: nobody)");
  cmd->add_option("--client-env", flags->client_env,
                  "pass NAME (or NAME=VALUE) to the client; repeatable. It gets only these, PATH, "
                  "HOME, LANG and SMTP_HARNESS_PORT");
  cmd->add_option("--client-max-procs", flags->max_procs,
                  "processes (and threads) the client's user may run (default 256; 0: no limit)");
  cmd->add_option("--client-max-memory", flags->max_memory,
                  "address space per client process (default 4G; 0: no limit)");
  cmd->add_option("--client-max-file-size", flags->max_file_size,
                  "largest file the client may write (default 64M; 0: no limit)");
  cmd->add_option("--client-max-open-files", flags->max_open_files,
                  "open files per client process (default 256; 0: no limit)");
  cmd->add_option("--client-max-cpu", flags->max_cpu,
                  "CPU time per client process (default 60s; 0: no limit)");
  OneOf(cmd->add_option("--client-isolation", flags->isolation,
                        "auto (default): a PID namespace if the kernel allows, else a subreaper; "
                        "or namespace, subreaper"),
        ChoiceNames(kIsolations));
  cmd->callback([flags, exit_status] { *exit_status = RunGrade(*flags); });
}

}  // namespace smtp::cli
