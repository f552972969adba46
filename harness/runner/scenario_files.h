// The scenario files named on a command line: a file is taken as given, a
// directory contributes every *.yaml / *.yml under it (recursively). The
// result is sorted by path and free of duplicates, so runs and shards are
// deterministic.
#pragma once

#include <string>
#include <vector>

#include "harness/util/status.h"

namespace smtp {

// Errors: a path that does not exist ("no such file or directory: PATH").
Result<std::vector<std::string>> CollectScenarioFiles(const std::vector<std::string>& paths);

}  // namespace smtp
