#include "harness/util/duration.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace smtp {

Result<Duration> ParseDuration(std::string_view text) {
  std::string s(text);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s = s.substr(start);
  auto bad = [&] {
    return Status::InvalidArgument("invalid duration '" + std::string(text) +
                                   "' (expected e.g. 250ms, 5s, 1m, or a number of seconds)");
  };
  if (s.empty()) return bad();
  size_t i = 0;
  bool digits = false;
  while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) {
    digits = digits || s[i] != '.';
    ++i;
  }
  if (!digits) return bad();
  std::string number = s.substr(0, i);
  if (number.find('.') != number.rfind('.')) return bad();
  std::string unit = s.substr(i);
  double value = std::strtod(number.c_str(), nullptr);
  double ms_per_unit;
  if (unit.empty() || unit == "s") {
    ms_per_unit = 1000;
  } else if (unit == "ms") {
    ms_per_unit = 1;
  } else if (unit == "m") {
    ms_per_unit = 60'000;
  } else if (unit == "h") {
    ms_per_unit = 3'600'000;
  } else {
    return bad();
  }
  double ms = value * ms_per_unit;
  if (!std::isfinite(ms) || ms > 1e12) return bad();
  return Duration(static_cast<long long>(std::llround(ms)));
}

std::string FormatDuration(Duration d) {
  long long ms = d.count();
  if (ms < 1000 || ms % 1000 != 0) {
    if (ms < 1000) return std::to_string(ms) + "ms";
    return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + "s";
  }
  long long s = ms / 1000;
  if (s < 60 || s % 60 != 0) {
    if (s < 60) return std::to_string(s) + "s";
    return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  }
  return std::to_string(s / 60) + "m";
}

}  // namespace smtp
