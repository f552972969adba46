// A fixed set of allowed values as people read it in an error message:
// "reject, disconnect, normalize or lax". Pure.
#pragma once

#include <string>
#include <vector>

namespace smtp {

// {"a"} -> "a"; {"a", "b"} -> "a or b"; {"a", "b", "c"} -> "a, b or c".
std::string AlternativesText(const std::vector<std::string>& values);

}  // namespace smtp
