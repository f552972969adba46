// ScenarioLoader: a scenario YAML file -> Scenario (SPEC §3, §4), checked
// before anything runs. Every problem of a file is reported at once, each as
// a Diagnostic "file:line:col: message"; a caller prints them and exits 2.
//
// Checks: unknown keys (with a did-you-mean), wrong types, bad durations,
// regexes that do not compile, bad reply-code patterns, steps of the other
// mode, empty steps, a transcript that does not alternate, and ${var}
// references that nothing defines (vars:, the overrides given here, a
// capture of an earlier step, or the environment). Hostile input (huge,
// binary, deeply nested, alias bombs) gives an error with bounded memory.
//
// Defaults filled in so the runner need not guess: `starttls` expects 220
// and `auth` 235 unless the step says otherwise; `mail` expects 2xx after
// the final dot (its MAIL/RCPT/DATA expectations are 2xx/2xx/354).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/scenario/diagnostics.h"
#include "harness/scenario/model.h"
#include "harness/scenario/var_expander.h"
#include "harness/util/status.h"

namespace smtp {

struct LoadOptions {
  VarMap vars;                   // --var KEY=VALUE: defined, and override vars:
  EnvLookup env = ProcessEnv();  // for ${env:NAME}
  bool check_data_files = true;  // data: {file} must exist
  // data: {file} must stay inside the scenario's folder (no absolute path,
  // no "..", no symlink out of it): a downloaded scenario must not mail
  // ~/.ssh/id_rsa to its server. --allow-outside-files sets this.
  bool allow_outside_files = false;
};

struct LoadResult {
  std::optional<Scenario> scenario;     // set when there are no diagnostics
  std::vector<Diagnostic> diagnostics;  // sorted by position

  bool ok() const { return scenario.has_value(); }
  // The diagnostics as lines, "file:line:col: message\n..." (empty when ok).
  std::string ErrorText() const { return JoinDiagnostics(diagnostics); }
};

class ScenarioLoader {
 public:
  explicit ScenarioLoader(LoadOptions options = {}) : options_(std::move(options)) {}

  // Reads and checks `path`; Scenario::file is `path` as given.
  LoadResult LoadFile(const std::string& path) const;
  // Checks YAML text; `file_name` is used in messages and as Scenario::file,
  // `base_dir` resolves `data: {file}`.
  LoadResult LoadString(const std::string& yaml, const std::string& file_name,
                        const std::string& base_dir = ".") const;

 private:
  LoadOptions options_;
};

}  // namespace smtp
