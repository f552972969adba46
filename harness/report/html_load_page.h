// The HTML page of a `load` report: what was asked and what happened,
// throughput over time (from the report's timeline), the latency histogram
// of whole sessions and of connects with p50/p90/p99 marked, a percentile
// table per step, and the failures grouped by step and reply. Pure.
#pragma once

#include <string>

#include "harness/report/html_json.h"

namespace smtp::html {

std::string RenderLoadPage(const Json& report);

}  // namespace smtp::html
