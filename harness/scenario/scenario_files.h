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
// that cannot be read, or one without *.yaml or *.yml files unless
// `allow_empty_dirs` (`run --allow-empty`: such a directory contributes nothing).
Result<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths,
                                                      bool allow_empty_dirs = false);

}  // namespace smtp
