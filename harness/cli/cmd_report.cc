// `smtp-harness report REPORT.json --html FILE`: renders a saved JSON report
// (of run, grade or load) as the same HTML page `--html` writes, so CI can
// render after the fact. Exit 0 written, 2 usage or not a readable report,
// 3 the HTML file cannot be written.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "harness/cli/commands.h"
#include "harness/cli/output_paths.h"
#include "harness/report/html_report.h"

namespace smtp::cli {
namespace {

struct ReportFlags {
  std::string input;
  std::string html;
};

int ReportCommand(const ReportFlags& flags) {
  if (Status paths = CheckOutputPaths({{"--html", flags.html}}, {flags.input}); !paths.ok()) {
    std::cerr << "smtp-harness report: " << paths.message() << "\n";
    return kExitUsage;
  }
  Status s = ConvertJsonReportToHtml(flags.input, flags.html);
  if (s.ok()) return kExitOk;
  std::cerr << "smtp-harness report: " << s.message() << "\n";
  return s.code() == Status::Code::kInvalidArgument ? kExitUsage : kExitHarness;
}

}  // namespace

void AddReportCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand(
      "report", "Render a saved JSON report (of run, grade or load) as a self-contained HTML page");
  cmd->footer(
      "Exit status: 0 written, 2 usage or not a readable smtp-harness report, 3 cannot write.");
  auto flags = std::make_shared<ReportFlags>();
  cmd->add_option("report", flags->input, "a JSON report ('-': standard input)")->required();
  cmd->add_option("--html", flags->html, "where to write the HTML page ('-': standard output)")
      ->required();
  cmd->callback([flags, exit_status] { *exit_status = ReportCommand(*flags); });
}

}  // namespace smtp::cli
