// "Did you mean ...": when CLI11 rejects a command line, name what the user
// probably meant, for every command alike: an unknown subcommand
// (`smtp-harness frobnicate`) or an unknown option (`send --bdoy x`) gets
// the nearest known name by edit distance, or the list to choose from.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace smtp::cli {

// `args` are argv[1..]. "" when nothing unknown is found (CLI11's own message
// then stands); otherwise one or two lines, without the "smtp-harness: "
// prefix, e.g. "send: unknown option '--bdoy'; did you mean '--body'?".
std::string UsageHint(CLI::App& app, const std::vector<std::string>& args);

}  // namespace smtp::cli
