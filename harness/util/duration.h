// Durations as written in scenarios and flags: "250ms", "5s", "1m", "1.5s",
// or a bare number of seconds ("2", "0.5").
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace smtp {

using Duration = std::chrono::milliseconds;

// Parses "250ms", "5s", "1m", "1h", "2" (seconds), "0.5" (seconds).
Result<Duration> ParseDuration(std::string_view text);

// Formats for people: "250ms", "5s", "1m30s".
std::string FormatDuration(Duration d);

}  // namespace smtp
