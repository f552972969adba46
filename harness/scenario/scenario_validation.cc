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
    if (r.ok()) continue;
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
