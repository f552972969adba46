// Which scenario files a list of command-line paths means (`run`,
// `validate`): a file is taken as given (any name); a directory contributes
// every *.yaml and *.yml below it, recursively, sorted by path. Order follows the
// arguments; a file named twice is taken once.
#pragma once

#include <string>
#include <vector>

#include "harness/util/status.h"

namespace smtp {

// NotFound for a path that does not exist; InvalidArgument for a directory
// without *.yaml or *.yml files or one that cannot be read.
Result<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths);

}  // namespace smtp
