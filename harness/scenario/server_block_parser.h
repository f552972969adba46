// The `server:` block (SPEC §5) -> FakeServerConfig, shared by the scenario
// loader and `serve --config`. Internal to harness/scenario.
#pragma once

#include <optional>
#include <string_view>

#include "harness/core/server_config.h"
#include "harness/scenario/yaml_reader.h"

namespace smtp {

// Fills `config` from `node` (a mapping), reporting problems to `reader`.
// `standalone` (serve --config) also allows `listen` and `port`.
void ParseServerBlock(YamlReader& reader, const YAML::Node& node, FakeServerConfig& config,
                      bool standalone);

// "10MB", "512KiB", "100k", "1024" (bytes); K/M/G are powers of 1024.
std::optional<size_t> ParseByteSize(std::string_view text);

}  // namespace smtp
