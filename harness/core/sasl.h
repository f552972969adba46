// SASL pieces AUTH (RFC 4954) needs besides base64 (harness/core/base64.h):
// the PLAIN message (RFC 4616), made by clients and read by the server.
// Pure functions.
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

// The client's PLAIN response, base64-encoded as it goes after "AUTH PLAIN ":
// base64("authzid\0authcid\0password").
std::string EncodePlain(std::string_view authcid, std::string_view password,
                        std::string_view authzid = {});

}  // namespace smtp::sasl
