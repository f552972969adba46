// Wall-clock timestamps for reports: "2026-12-06T01:22:22Z" (UTC, seconds).
#pragma once

#include <string>

namespace smtp {

std::string NowIso8601();

}  // namespace smtp
