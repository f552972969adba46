// The HTML page of a `run` or `grade` report: the verdict and summary, the
// table of scenarios linking to each, the conformance matrix, the grade
// (score, points per check) and every scenario with its sequence diagram
// (and, in server mode, the client's output). From the parsed JSON report. Pure.
//
// Size: failing scenarios are drawn in full (the first kMaxFailingDiagrams);
// passing ones too while there are few (kMaxPassingDiagrams), the next
// kMaxPlainTranscripts get a short plain transcript, the rest one line, so
// a 1,000-scenario run stays a page a browser opens at once
// (docs/reports.md has the figures).
#pragma once

#include <cstddef>
#include <string>

#include "harness/report/html_json.h"

namespace smtp::html {

inline constexpr size_t kMaxPassingDiagrams = 50;
inline constexpr size_t kMaxFailingDiagrams = 200;
inline constexpr size_t kMaxPlainTranscripts = 150;
inline constexpr size_t kMaxOpenFailures = 20;  // failed scenarios shown unfolded

std::string RenderRunPage(const Json& report);

}  // namespace smtp::html
