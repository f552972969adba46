// One scenario of a report as HTML: its verdict, the failure (expected
// versus actual), the sequence diagram with its folds, the steps, what a
// client under test sent and printed. Used by the run/grade page and, as a
// fragment, by Gradescope's per-test output. Pure: JSON in, markup out.
#pragma once

#include <string>

#include "harness/report/html_json.h"

namespace smtp::html {

struct ScenarioHtmlOptions {
  std::string id = "sc-0";    // the element id (links from the summary table)
  bool diagram = true;        // false: a plain transcript (big runs, passing scenarios)
  bool transcript = true;     // without a diagram: false shows a one-line summary only
  bool open = false;          // <details open>
  bool client_output = true;  // the client's command, exit, stdout and stderr
};

// <details class="scenario STATUS" id=...> with a summary line.
std::string RenderScenarioSection(const Json& scenario, const ScenarioHtmlOptions& options);

// The contents without the <details> wrapper (Gradescope's output).
std::string RenderScenarioBody(const Json& scenario, const ScenarioHtmlOptions& options);

// The client under test: command, how it ended, stdout, stderr (capped).
std::string RenderClientOutput(const Json& client);

// "passed" -> <span class="badge passed">passed</span> (unknown: "not_run").
std::string StatusBadge(const std::string& status, const std::string& extra_class = "");

// A status known to the report format, else "not_run": safe as a class name.
std::string KnownStatus(const std::string& status);

}  // namespace smtp::html
