#include "harness/core/sasl.h"

#include "harness/core/base64.h"

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

std::string EncodePlain(std::string_view authcid, std::string_view password,
                        std::string_view authzid) {
  std::string message;
  message.reserve(authzid.size() + authcid.size() + password.size() + 2);
  message.append(authzid).append(1, '\0').append(authcid).append(1, '\0').append(password);
  return Base64Encode(message);
}

}  // namespace smtp::sasl
