#include "harness/runner/selection.h"

#include <cctype>

#include "harness/util/glob.h"

namespace smtp {

Result<Shard> ParseShard(const std::string& text) {
  auto bad = Status::InvalidArgument("invalid --shard '" + text +
                                     "': expected K/N with 1 <= K <= N, e.g. 1/4");
  size_t slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == text.size()) return bad;
  auto number = [](const std::string& s, int& out) {
    if (s.empty() || s.size() > 6) return false;
    out = 0;
    for (char c : s) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  Shard s;
  if (!number(text.substr(0, slash), s.index) || !number(text.substr(slash + 1), s.count))
    return bad;
  if (s.count < 1 || s.index < 1 || s.index > s.count) return bad;
  return s;
}

std::vector<size_t> SelectIndices(const std::vector<std::string>& names, const std::string& filter,
                                  Shard shard) {
  std::vector<size_t> filtered;
  for (size_t i = 0; i < names.size(); ++i) {
    if (filter.empty() || GlobMatch(filter, names[i])) filtered.push_back(i);
  }
  if (shard.count <= 0) return filtered;
  std::vector<size_t> out;
  for (size_t k = 0; k < filtered.size(); ++k) {
    if (static_cast<int>(k % static_cast<size_t>(shard.count)) == shard.index - 1) {
      out.push_back(filtered[k]);
    }
  }
  return out;
}

std::string DescribeEmptySelection(const std::vector<std::string>& names, const std::string& filter,
                                   Shard shard) {
  auto count = [](size_t n) { return std::to_string(n) + (n == 1 ? " scenario" : " scenarios"); };
  if (names.empty()) return "no scenario files";
  size_t filtered = SelectIndices(names, filter, Shard{}).size();
  if (filtered == 0) {
    return "--filter '" + filter + "' matched none of the " + count(names.size());
  }
  if (!SelectIndices(names, filter, shard).empty()) return "";
  return "--shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
         " is empty: " + count(filtered) + (filter.empty() ? "" : " (after --filter)") +
         " fill only " + std::to_string(filtered) + " of " + std::to_string(shard.count) +
         " shards";
}

}  // namespace smtp
