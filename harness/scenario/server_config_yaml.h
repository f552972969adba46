// The `server:` block (SPEC §5) read from YAML into a FakeServerConfig, for
// `smtp-harness serve --config FILE.yaml`. The file is either a scenario with
// a `server:` key or just the block's contents. Errors name the file, line
// and column: "cfg.yaml:4:3: rules[0].times: expected an integer, got 'x'".
//
// Only this file knows the YAML; the scenario loader may reuse
// ParseServerConfigNode for scenarios' own `server:` blocks.
#pragma once

#include <string>

#include "fake_server/config.h"
#include "harness/util/status.h"

namespace YAML {
class Node;
}

namespace smtp {

Result<FakeServerConfig> LoadServerConfigFile(const std::string& path);

// Fills `config` from a `server:` mapping; `file` is used in messages.
Status ParseServerConfigNode(const YAML::Node& node, const std::string& file,
                             FakeServerConfig& config);

}  // namespace smtp
