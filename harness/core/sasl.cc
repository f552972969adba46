#include "harness/core/sasl.h"

namespace smtp::sasl {

std::optional<PlainCredentials> ParsePlain(std::string_view decoded) {
  size_t a = decoded.find('\0');
  if (a == std::string_view::npos) return std::nullopt;
  size_t b = decoded.find('\0', a + 1);
  if (b == std::string_view::npos || decoded.find('\0', b + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  PlainCredentials c;
  c.authzid = std::string(decoded.substr(0, a));
  c.authcid = std::string(decoded.substr(a + 1, b - a - 1));
  c.password = std::string(decoded.substr(b + 1));
  if (c.authcid.empty()) return std::nullopt;
  return c;
}

}  // namespace smtp::sasl
