#include "harness/cli/run_options_cli.h"

#include <CLI/CLI.hpp>
#include <cstdlib>

#include "harness/cli/choice_option.h"
#include "harness/cli/invocation.h"
#include "harness/cli/output_paths.h"
#include "harness/report/report_file.h"
#include "harness/runner/selection.h"
#include "harness/util/target.h"

namespace smtp::cli {

void AddRunOptions(CLI::App& cmd, RunOptionFlags& f) {
  cmd.add_option("--target", f.target,
                 "fake (default: the scenario's own), smtp://HOST:PORT or smtps://HOST:PORT");
  cmd.add_option("--var", f.vars, "KEY=VALUE, overrides the scenario's vars (repeatable)");
  cmd.add_option("--timeout", f.timeout, "default step timeout, e.g. 500ms, 5s");
  cmd.add_option("--report", f.report,
                 "JSON report path (default smtp-harness-report.json; '-': stdout, no summary)");
  cmd.add_option("--junit", f.junit, "also write JUnit XML to PATH");
  cmd.add_option("--gradescope", f.gradescope, "also write Gradescope results.json to PATH");
  OneOf(cmd.add_option("--gradescope-format", f.gradescope_format,
                       "each Gradescope test's output: text (default) or html (with the sequence "
                       "diagram)"),
        {"text", "html"});
  cmd.add_option("--html", f.html,
                 "also write a self-contained HTML report (sequence diagrams) to PATH ('-': "
                 "stdout, no summary)");
  cmd.add_option("-j,--jobs", f.jobs, "run N scenarios in parallel");
  cmd.add_option("--filter", f.filter, "only scenarios whose name matches GLOB");
  cmd.add_option("--shard", f.shard, "run the K-th of N slices (K/N), for CI matrices");
  cmd.add_flag("--fail-fast", f.fail_fast, "start no new scenario after a failure");
  cmd.add_flag("-v,--verbose", f.verbose, "print every scenario's transcript");
  cmd.add_flag("--no-color", f.no_color, "no colours (also: NO_COLOR set)");
  cmd.add_flag("--tls-verify", f.tls_verify,
               "verify the certificate of smtps:// targets (default: not verified)");
  cmd.add_option("--ca-file", f.ca_file, "extra CA bundle (PEM) for TLS verification");
  cmd.add_flag("--allow-outside-files", f.allow_outside_files,
               "let data: {file} name files outside the scenario's folder (absolute, ..)");
}

void HideOptions(CLI::App& cmd, std::initializer_list<const char*> names) {
  for (const char* name : names) cmd.get_option(name)->group("");
}

std::string OneScenarioRefusal(const RunOptionFlags& f, const std::string& command,
                               const std::string& parallel_hint) {
  if (f.jobs != 1) return "-j runs scenarios in parallel in run; " + parallel_hint;
  if (!f.filter.empty() || !f.shard.empty() || f.fail_fast) {
    return "--filter, --shard and --fail-fast choose among scenarios in run; " + command +
           " runs one";
  }
  return "";
}

Status CheckReportPaths(const RunOptions& o) {
  if (Status s = CheckReportPathWritable(o.report_path, "JSON report (--report)"); !s.ok())
    return s;
  if (!o.junit_path.empty()) {
    if (Status s = CheckReportPathWritable(o.junit_path, "JUnit report (--junit)"); !s.ok()) {
      return s;
    }
  }
  if (!o.gradescope_path.empty()) {
    Status s = CheckReportPathWritable(o.gradescope_path, "Gradescope results (--gradescope)");
    if (!s.ok()) return s;
  }
  if (!o.html_path.empty()) {
    if (Status s = CheckReportPathWritable(o.html_path, "HTML report (--html)"); !s.ok()) return s;
  }
  return Status::Ok();
}

std::vector<std::string> ScenarioInputs(const std::string& file, const Scenario& scenario) {
  std::vector<std::string> inputs = {file};
  for (const auto& step : scenario.steps) {
    if (!step.data_file.empty()) inputs.push_back(step.data_file);
  }
  return inputs;
}

Status CheckReportsAgainstInputs(const RunOptions& o, const std::vector<std::string>& inputs) {
  return CheckOutputPaths({{"--report", o.report_path},
                           {"--junit", o.junit_path},
                           {"--gradescope", o.gradescope_path},
                           {"--html", o.html_path}},
                          inputs);
}

Result<RunOptions> ResolveRunOptions(const RunOptionFlags& f, bool stdout_is_tty) {
  RunOptions o;
  if (!f.target.empty()) {
    auto t = ParseTarget(f.target);
    if (!t.ok()) return t.status();
    o.target = f.target;
  }
  for (const auto& v : f.vars) {
    size_t eq = v.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("invalid --var '" + v + "': expected KEY=VALUE");
    }
    o.vars[v.substr(0, eq)] = v.substr(eq + 1);
  }
  if (!f.timeout.empty()) {
    auto d = ParseDuration(f.timeout);
    if (!d.ok())
      return Status::InvalidArgument("invalid --timeout '" + f.timeout +
                                     "': " + d.status().message());
    if (d->count() <= 0)
      return Status::InvalidArgument("invalid --timeout '" + f.timeout + "': must be positive");
    o.timeout = *d;
  }
  if (f.report.empty()) return Status::InvalidArgument("--report needs a path (or '-')");
  if (Status s = CheckOneStandardOutput({{"--report", f.report},
                                         {"--junit", f.junit},
                                         {"--gradescope", f.gradescope},
                                         {"--html", f.html}});
      !s.ok()) {
    return s;
  }
  // /dev/stdout and its kin are written as "-" is: to standard output, never
  // replaced by a file (standard output redirected to a file makes
  // /dev/stdout a link to a regular file), and the summary moves out of the way.
  auto standard = [](const std::string& p) { return IsStandardOutput(p) ? "-" : p; };
  o.report_path = standard(f.report);
  o.junit_path = f.junit.empty() ? "" : standard(f.junit);
  o.gradescope_path = f.gradescope.empty() ? "" : standard(f.gradescope);
  o.gradescope_html = f.gradescope_format == "html";
  o.html_path = f.html.empty() ? "" : standard(f.html);
  o.command_line = Invocation();
  if (f.jobs < 1 || f.jobs > 256) {
    return Status::InvalidArgument("invalid -j " + std::to_string(f.jobs) + ": expected 1 to 256");
  }
  o.jobs = f.jobs;
  o.filter = f.filter;
  if (!f.shard.empty()) {
    auto s = ParseShard(f.shard);
    if (!s.ok()) return s.status();
    o.shard_index = s->index;
    o.shard_count = s->count;
  }
  o.fail_fast = f.fail_fast;
  o.verbose = f.verbose;
  o.tls_verify = f.tls_verify;
  o.tls_ca_file = f.ca_file;
  o.color = stdout_is_tty && !f.no_color && std::getenv("NO_COLOR") == nullptr;
  return o;
}

}  // namespace smtp::cli
