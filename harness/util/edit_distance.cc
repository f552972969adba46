#include "harness/util/edit_distance.h"

#include <algorithm>

namespace smtp {

size_t EditDistance(std::string_view a, std::string_view b) {
  const size_t n = a.size(), m = b.size();
  // Three rows: the one before the previous is needed for transpositions.
  std::vector<size_t> before(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = j;
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], before[j - 2] + 1);
      }
    }
    before.swap(prev);
    prev.swap(cur);
  }
  return prev[m];
}

std::string NearestName(std::string_view word, const std::vector<std::string>& candidates) {
  if (word.empty()) return "";
  const std::string* prefixed = nullptr;
  int prefix_count = 0;
  for (const auto& c : candidates) {
    if (c.size() > word.size() && c.compare(0, word.size(), word) == 0) {
      prefixed = &c;
      ++prefix_count;
    }
  }
  if (prefix_count == 1) return *prefixed;
  const std::string* best = nullptr;
  size_t best_distance = 0;
  for (const auto& c : candidates) {
    size_t d = EditDistance(word, c);
    size_t limit = std::max<size_t>(1, std::max(word.size(), c.size()) / 3);
    if (d > limit || d == 0) continue;
    if (!best || d < best_distance) {
      best = &c;
      best_distance = d;
    }
  }
  return best ? *best : "";
}

}  // namespace smtp
