#include "harness/scenario/server_config_yaml.h"

#include "harness/scenario/file_text.h"
#include "harness/scenario/server_block_parser.h"

namespace smtp {

Result<FakeServerConfig> LoadServerConfigString(const std::string& yaml,
                                                const std::string& file_name,
                                                const FakeServerConfig& defaults) {
  Diagnostics diag(file_name);
  FakeServerConfig config = defaults;
  NullKeyMarks null_keys;
  if (auto root = ParseYamlDocument(yaml, diag, &null_keys)) {
    YamlReader reader(diag, &null_keys);
    YAML::Node block = *root;
    if (root->IsMap() && (*root)["server"]) {
      reader.CheckKeys(*root, {"server"}, "server configuration");
      block = (*root)["server"];
    }
    if (block.IsNull()) {
      // an empty file: the defaults
    } else {
      ParseServerBlock(reader, block, config, /*standalone=*/true);
    }
  }
  if (!diag.empty()) return Status::InvalidArgument(JoinDiagnostics(diag.Sorted()));
  return config;
}

Result<FakeServerConfig> LoadServerConfigFile(const std::string& path,
                                              const FakeServerConfig& defaults) {
  auto text = ReadScenarioText(path);
  if (!text.ok()) return text.status();
  return LoadServerConfigString(*text, path, defaults);
}

}  // namespace smtp
