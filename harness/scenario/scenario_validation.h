// `validate`: load every scenario named by command-line paths and report the
// problems, without running anything. CLI-free so tests call it directly.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/scenario/scenario_loader.h"

namespace smtp {

struct ValidationSummary {
  int files = 0;
  int invalid = 0;           // files with at least one error
  int errors = 0;            // diagnostics printed
  bool usage_error = false;  // a path did not exist / named no scenario
  bool ok() const { return !usage_error && invalid == 0; }
};

// Writes each diagnostic ("file:line:col: message") to `err`, then a summary:
// "ok: N scenarios valid" to `out`, or "invalid: K of N scenarios (E errors)"
// to `err`.
ValidationSummary ValidateScenarioPaths(const std::vector<std::string>& paths,
                                        const LoadOptions& options, std::ostream& out,
                                        std::ostream& err);

}  // namespace smtp
