// ASCII helpers for protocol text: case folding (verbs, keywords, mechanism
// names) and number checks. Only a-z change: SMTP is case-insensitive in
// ASCII, and the result must not depend on the process locale.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smtp {

// "ehlo x" -> "EHLO X".
std::string Upper(std::string_view s);

// Upper(s) == upper, without making the string: EqualsUpper("Mail", "MAIL").
bool EqualsUpper(std::string_view s, std::string_view upper);

// 1 to `max_digits` ASCII digits and nothing else: a number that fits the
// caller's integer (18 digits always fit in 64 bits) before it is parsed.
bool IsDigits(std::string_view s, size_t max_digits);

// A decimal number of 1 to `max_digits` ASCII digits (RFC 1870's SIZE
// allows 20, more than 64 bits hold): its value, or `overflow` when it is
// past UINT64_MAX (the value is then UINT64_MAX). nullopt: not such a number.
struct Decimal {
  uint64_t value = 0;
  bool overflow = false;
};
std::optional<Decimal> ParseDecimal(std::string_view s, size_t max_digits);

}  // namespace smtp
