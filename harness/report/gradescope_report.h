// Gradescope's results.json (the autograder format): top-level `score`,
// `tests[]` with `name`, `score`, `max_score`, `status` ("passed"/"failed"),
// `output` and `visibility`.
//
// Points: a scenario whose steps carry `points` becomes one test per such
// step ("scenario: step name"), scored by StepResult::points_earned;
// otherwise one test per scenario, worth ScenarioResult::max_score (default
// 1), scored by ScenarioResult::score (default: all when passed, else 0).
#pragma once

#include <string>

#include "harness/report/run_result.h"
#include "harness/util/status.h"

namespace smtp {

// What a test's `output` is: text (Gradescope's default rendering), or HTML
// (`output_format: "html"`) carrying the scenario's sequence diagram, its
// failure (expected versus actual) and the client's output, all escaped
// (`--gradescope-format html|text`).
enum class GradescopeFormat { kText, kHtml };

std::string RenderGradescopeReport(const RunResult& run,
                                   GradescopeFormat format = GradescopeFormat::kText);
Status WriteGradescopeReport(const RunResult& run, const std::string& path,
                             GradescopeFormat format = GradescopeFormat::kText);

}  // namespace smtp
