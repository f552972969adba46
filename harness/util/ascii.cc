#include "harness/util/ascii.h"

namespace smtp {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool EqualsUpper(std::string_view s, std::string_view upper) {
  if (s.size() != upper.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

bool IsDigits(std::string_view s, size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<Decimal> ParseDecimal(std::string_view s, size_t max_digits) {
  if (!IsDigits(s, max_digits)) return std::nullopt;
  Decimal d;
  for (char c : s) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (d.value > (UINT64_MAX - digit) / 10) {
      d.value = UINT64_MAX;
      d.overflow = true;
      break;
    }
    d.value = d.value * 10 + digit;
  }
  return d;
}

}  // namespace smtp
