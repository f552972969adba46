#include "harness/util/glob.h"

#include <cctype>
#include <string>

namespace smtp {
namespace {

bool Same(char a, char b, bool ci) {
  if (!ci) return a == b;
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool case_insensitive) {
  // Iterative matcher with single-star backtracking: linear in practice,
  // never exponential.
  size_t p = 0, t = 0;
  size_t star_p = std::string::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char pc = pattern[p];
      bool escaped = false;
      if (pc == '\\' && p + 1 < pattern.size() &&
          (pattern[p + 1] == '*' || pattern[p + 1] == '?' || pattern[p + 1] == '\\')) {
        pc = pattern[p + 1];
        escaped = true;
      }
      if ((!escaped && pc == '?') || Same(pc, text[t], case_insensitive)) {
        p += escaped ? 2 : 1;
        ++t;
        continue;
      }
    }
    if (star_p == std::string::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace smtp
