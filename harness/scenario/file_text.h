// Reading a scenario (or server config) file with a size cap, so a huge or
// endless file (/dev/zero, a FIFO) cannot exhaust memory.
#pragma once

#include <string>

#include "harness/util/status.h"

namespace smtp {

// The file's bytes; NotFound if it cannot be opened, InvalidArgument if it
// is a directory or larger than kMaxScenarioBytes. Messages start "PATH: ".
Result<std::string> ReadScenarioText(const std::string& path);

}  // namespace smtp
