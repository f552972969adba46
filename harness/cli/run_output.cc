#include "harness/cli/run_output.h"

#include <iostream>

#include "harness/cli/commands.h"
#include "harness/report/gradescope_report.h"
#include "harness/report/html_report.h"
#include "harness/report/json_report.h"
#include "harness/report/junit_report.h"
#include "harness/report/report_cap.h"
#include "harness/report/text_report.h"

namespace smtp::cli {
namespace {

TextStyle StyleFor(const RunOptions& o) {
  TextStyle s;
  s.color = o.color;
  s.verbose = o.verbose;
  return s;
}

}  // namespace

void PrintScenarioResult(const ScenarioResult& r, const RunOptions& o) {
  if (!o.ReportOnStdout()) {
    // The summary (FinishRun) shows each failure in full: once is enough.
    std::cout << ScenarioLine(r, StyleFor(o)) << std::flush;
    return;
  }
  // With a report on stdout there is no summary: failures go to stderr.
  if ((r.status == Verdict::kFailed || r.status == Verdict::kError) && r.failure) {
    std::cerr << TerminalText(r.failure->message) << "\n" << std::flush;
  }
}

int FinishRun(const RunResult& result, const RunOptions& o) {
  // The reports say how the harness was started.
  RunResult with_command;
  const RunResult* r = &result;
  if (result.command_line.empty() && !o.command_line.empty()) {
    with_command = result;
    with_command.command_line = o.command_line;
    r = &with_command;
  }
  const RunResult& full = *r;
  int status = kExitOk;
  RunResult fitted;
  const RunResult* shown = &full;
  if (RenderJsonReport(full).size() > o.caps.report_bytes) {
    fitted = full;
    size_t dropped = FitReportToCap(fitted, o.caps.report_bytes);
    std::cerr << "smtp-harness: the report was over " << o.caps.report_bytes
              << " bytes (cap: report size); the transcripts of " << dropped
              << " scenario(s) are left out\n";
    shown = &fitted;
  }
  const RunResult& run = *shown;
  auto sum = run.Summarize();
  if (sum.failed || sum.errors || run.interrupted) status = kExitFailed;
  if (!o.ReportOnStdout()) std::cout << RenderTextSummary(run, StyleFor(o)) << std::flush;
  Status s = WriteJsonReport(run, o.report_path);
  if (!s.ok()) {
    std::cerr << "smtp-harness: " << s.message() << "\n";
    status = kExitHarness;
  }
  if (!o.junit_path.empty()) {
    Status j = WriteJunitReport(run, o.junit_path);
    if (!j.ok()) {
      std::cerr << "smtp-harness: " << j.message() << "\n";
      status = kExitHarness;
    }
  }
  if (!o.gradescope_path.empty()) {
    Status g = WriteGradescopeReport(
        run, o.gradescope_path,
        o.gradescope_html ? GradescopeFormat::kHtml : GradescopeFormat::kText);
    if (!g.ok()) {
      std::cerr << "smtp-harness: " << g.message() << "\n";
      status = kExitHarness;
    }
  }
  if (!o.html_path.empty()) {
    Status h = WriteHtmlReport(run, o.html_path);
    if (!h.ok()) {
      std::cerr << "smtp-harness: " << h.message() << "\n";
      status = kExitHarness;
    }
  }
  return status;
}

}  // namespace smtp::cli
