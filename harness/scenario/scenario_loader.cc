#include "harness/scenario/scenario_loader.h"

#include <filesystem>

#include "harness/scenario/file_text.h"
#include "harness/scenario/scenario_parser.h"

namespace smtp {

LoadResult ScenarioLoader::LoadString(const std::string& yaml, const std::string& file_name,
                                      const std::string& base_dir) const {
  Diagnostics diag(file_name);
  Scenario scenario;
  scenario.file = file_name;
  scenario.name = std::filesystem::path(file_name).stem().string();
  NullKeyMarks null_keys;
  if (auto root = ParseYamlDocument(yaml, diag, &null_keys)) {
    YamlReader reader(diag, &null_keys);
    ScenarioParser parser(reader, options_, base_dir, yaml);
    parser.ParseRoot(*root, scenario);
  }
  LoadResult result;
  if (diag.empty()) {
    result.scenario = std::move(scenario);
  } else {
    result.diagnostics = diag.Sorted();
  }
  return result;
}

LoadResult ScenarioLoader::LoadFile(const std::string& path) const {
  auto text = ReadScenarioText(path);
  if (!text.ok()) {
    LoadResult r;
    std::string msg = text.status().message();
    if (msg.rfind(path + ": ", 0) == 0) msg = msg.substr(path.size() + 2);
    r.diagnostics.push_back(Diagnostic{path, {}, msg});
    return r;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  return LoadString(*text, path, dir.empty() ? "." : dir);
}

}  // namespace smtp
