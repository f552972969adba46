// A unified diff of two texts, line by line (LCS), with 3 lines of context,
// as `run --update` shows the transcript it rewrote. Empty when equal.
#pragma once

#include <string>
#include <vector>

namespace smtp {

std::vector<std::string> SplitLines(const std::string& text);  // without '\n'

std::string UnifiedDiff(const std::vector<std::string>& before,
                        const std::vector<std::string>& after, const std::string& before_name,
                        const std::string& after_name, int context = 3);

}  // namespace smtp
