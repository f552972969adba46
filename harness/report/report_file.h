// Writing a rendered report to a path, or to standard output for "-".
// Shared by the JSON, JUnit and Gradescope writers so they fail alike:
// a Status naming the path and the reason (exit 3 at the CLI).
#pragma once

#include <string>

#include "harness/util/status.h"

namespace smtp {

Status WriteReportFile(const std::string& path, const std::string& contents,
                       const char* what);  // what: "JSON report", "JUnit report", ...

// Before a run: can WriteReportFile write `path` later? It creates and
// removes the temporary file next to it (what the write will do), so a
// missing directory, a read-only one or a directory in the way is found
// before a long suite runs, not after. "-" is always fine.
Status CheckReportPathWritable(const std::string& path, const char* what);

}  // namespace smtp
