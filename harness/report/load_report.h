// The JSON report of `smtp-harness load`: the same figures as the text
// summary. Durations in milliseconds; each histogram as
// {count, min_ms, mean_ms, p50_ms, p90_ms, p99_ms, max_ms}.
#pragma once

#include <string>

#include "harness/report/load_run_result.h"
#include "harness/util/status.h"

namespace smtp {

std::string RenderLoadJsonReport(const LoadRunResult& load);

// `path` "-" is standard output.
Status WriteLoadJsonReport(const LoadRunResult& load, const std::string& path);

}  // namespace smtp
