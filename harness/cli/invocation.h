// How smtp-harness was started, kept by main() for the reports ("command"
// in the summary of the HTML page, "command_line" in the JSON report).
#pragma once

#include <string>

namespace smtp::cli {

void SetInvocation(int argc, const char* const* argv);

// The arguments shell-quoted where needed ("smtp-harness run 'a b.yaml'");
// the program name as `smtp-harness`. Empty before SetInvocation.
const std::string& Invocation();

}  // namespace smtp::cli
