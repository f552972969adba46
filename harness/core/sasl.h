// SASL pieces the server side of AUTH (RFC 4954) needs besides base64
// (harness/core/base64.h): the PLAIN message (RFC 4616). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtp::sasl {

struct PlainCredentials {
  std::string authzid;  // usually empty
  std::string authcid;  // the user name
  std::string password;
};
// "authzid\0authcid\0password" (already base64-decoded); nullopt unless it
// has exactly two NULs and a non-empty authcid.
std::optional<PlainCredentials> ParsePlain(std::string_view decoded);

}  // namespace smtp::sasl
