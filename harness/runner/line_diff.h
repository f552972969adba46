// A unified diff of two texts, line by line (LCS), with 3 lines of context,
// as `run --update` shows the transcript it rewrote. Empty when equal.
#pragma once

#include <string>
#include <vector>

#include "harness/util/lines.h"  // SplitLines, for the texts to diff

namespace smtp {

std::string UnifiedDiff(const std::vector<std::string>& before,
                        const std::vector<std::string>& after, const std::string& before_name,
                        const std::string& after_name, int context = 3);

}  // namespace smtp
