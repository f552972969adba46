// Writing a rendered report to a path, or to standard output for "-".
// Shared by the JSON, JUnit and Gradescope writers so they fail alike:
// a Status naming the path and the reason (exit 3 at the CLI).
#pragma once

#include <string>

#include "harness/util/status.h"

namespace smtp {

Status WriteReportFile(const std::string& path, const std::string& contents,
                       const char* what);  // what: "JSON report", "JUnit report", ...

}  // namespace smtp
