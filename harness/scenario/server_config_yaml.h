// `serve --config FILE.yaml`: a fake-server configuration from YAML. The file
// is either a `server:` block (as in a scenario) or that block's keys at the
// top level; `listen: HOST:PORT` and `port:` are allowed here too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/server_config.h"
#include "harness/util/status.h"

namespace smtp {

// What the file sets overrides `defaults` (serve's own defaults: port 1025);
// what it leaves out keeps them, so a caller can apply its flags on top:
// flag > file > default.
// Errors: InvalidArgument whose message is one "file:line:col: message"
// line per problem (all of them); NotFound when the file cannot be read.
Result<FakeServerConfig> LoadServerConfigFile(const std::string& path,
                                              const FakeServerConfig& defaults = {});

// The same from text; `file_name` is used in messages.
Result<FakeServerConfig> LoadServerConfigString(const std::string& yaml,
                                                const std::string& file_name,
                                                const FakeServerConfig& defaults = {});

// `bare_newlines:` / `serve --bare-newlines`: reject, disconnect, normalize, lax.
std::optional<FakeServerConfig::BareNewlines> ParseBareNewlines(std::string_view text);
// The same names, in that order: the one list the YAML parser, the command
// line and its completion offer.
const std::vector<std::string>& BareNewlinesNames();

}  // namespace smtp
