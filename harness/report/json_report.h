// The JSON report of a run (SPEC §7): RunResult -> JSON text, and the file
// writer used by `run`, `grade` and `load`. The field names are the contract
// (docs/report.schema.json); additions are allowed, renames are not.
// Bytes that are not UTF-8 are replaced (U+FFFD) so the report always parses.
#pragma once

#include <string>

#include "harness/report/run_result.h"
#include "harness/util/status.h"

namespace smtp {

// The report as pretty-printed JSON text (ends with a newline).
std::string RenderJsonReport(const RunResult& run);

// Writes the report to `path` ("-": standard output). Fails with a message
// naming the path when it cannot be written.
Status WriteJsonReport(const RunResult& run, const std::string& path);

}  // namespace smtp
