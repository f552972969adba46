#include "harness/scenario/scenario_validation.h"

#include "harness/scenario/scenario_files.h"

namespace smtp {

ValidationSummary ValidateScenarioPaths(const std::vector<std::string>& paths,
                                        const LoadOptions& options, std::ostream& out,
                                        std::ostream& err) {
  ValidationSummary summary;
  auto files = CollectScenarioFiles(paths);
  if (!files.ok()) {
    err << "smtp-harness validate: " << files.status().message() << "\n";
    summary.usage_error = true;
    return summary;
  }
  ScenarioLoader loader(options);
  for (const auto& file : *files) {
    ++summary.files;
    LoadResult r = loader.LoadFile(file);
    if (r.ok()) {
      // Not an error (grade exists to run it), but a file from elsewhere
      // that would run a command deserves a look before anyone runs it.
      const Scenario& s = *r.scenario;
      if (s.mode == ScenarioMode::kServer && !s.client.empty()) {
        out << file << ": note: runs a client command" << (s.client_shell ? " with /bin/sh -c" : "")
            << ": " << s.client << " (grade runs it; run only with --allow-client)\n";
      }
      continue;
    }
    ++summary.invalid;
    for (const auto& d : r.diagnostics) {
      err << d.ToString() << "\n";
      ++summary.errors;
    }
  }
  auto plural = [](int n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (summary.invalid == 0) {
    out << "ok: " << plural(summary.files, "scenario") << " valid\n";
  } else {
    err << "invalid: " << summary.invalid << " of " << plural(summary.files, "scenario") << " ("
        << plural(summary.errors, "error") << ")\n";
  }
  return summary;
}

}  // namespace smtp
