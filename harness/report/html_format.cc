#include "harness/report/html_format.h"

#include <cmath>
#include <cstdio>

namespace smtp::html {

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string FormatMs(double ms) {
  if (!std::isfinite(ms) || ms < 0) return "-";
  if (ms < 1) return FormatNumber(ms, 2) + " ms";
  if (ms < 100) return FormatNumber(ms, 1) + " ms";
  if (ms < 1000) return FormatNumber(ms, 0) + " ms";
  if (ms < 60000) return FormatNumber(ms / 1000, 2) + " s";
  auto total_s = static_cast<long long>(std::llround(ms / 1000));
  return std::to_string(total_s / 60) + " min " + std::to_string(total_s % 60) + " s";
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double kb = static_cast<double>(bytes) / 1024;
  if (kb < 1024) return FormatNumber(kb, 1) + " KB";
  return FormatNumber(kb / 1024, 1) + " MB";
}

}  // namespace smtp::html
