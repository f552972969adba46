// HTML reports (SPEC §9): `--html FILE` on run, grade and load, and
// `smtp-harness report REPORT.json --html FILE`. One code path: the page is
// always rendered from the JSON report (a run's results are first rendered
// as JSON, then as HTML), so a saved report renders exactly as the run's own.
//
// The page is one self-contained file: inline CSS and SVG, no script, no
// fetch (a Content-Security-Policy forbids both), readable with JavaScript
// off (<details> folds). Everything that came from a peer is escaped.
#pragma once

#include <string>
#include <string_view>

#include "harness/report/load_run_result.h"
#include "harness/report/run_result.h"
#include "harness/util/status.h"

namespace smtp {

// A JSON report (run, grade or load) as an HTML page. InvalidArgument, with
// the parser's position, when the text is not an smtp-harness report.
Result<std::string> RenderHtmlReport(std::string_view json_text);

// Render and write (`path` "-": standard output). Io errors name the path.
Status WriteHtmlReport(const RunResult& run, const std::string& path);
Status WriteLoadHtmlReport(const LoadRunResult& load, const std::string& path);

// `smtp-harness report`: reads `json_path` ("-": standard input). A file that
// cannot be read or is not a report: InvalidArgument; cannot write: Io.
Status ConvertJsonReportToHtml(const std::string& json_path, const std::string& html_path);

}  // namespace smtp
