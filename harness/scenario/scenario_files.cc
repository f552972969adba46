#include "harness/scenario/scenario_files.h"

#include <algorithm>
#include <filesystem>
#include <set>

namespace smtp {

Result<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths,
                                                      bool allow_empty_dirs) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& p) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(p, ec);
    if (seen.insert(ec ? p : canonical.string()).second) out.push_back(p);
  };
  for (const auto& path : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return Status::NotFound(path + ": no such file or directory");
    if (!fs::is_directory(st)) {
      add(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const fs::path ext = it->path().extension();
      if ((ext == ".yaml" || ext == ".yml") && it->is_regular_file(ec)) {
        found.push_back(it->path().string());
      }
    }
    if (ec) return Status::InvalidArgument(path + ": cannot read directory (" + ec.message() + ")");
    if (found.empty() && !allow_empty_dirs) {
      return Status::InvalidArgument(path + ": no *.yaml or *.yml scenario files in it");
    }
    std::sort(found.begin(), found.end());
    for (const auto& f : found) add(f);
  }
  return out;
}

}  // namespace smtp
