// SASL pieces the server side of AUTH (RFC 4954) needs: base64 (RFC 4648)
// and the PLAIN message (RFC 4616). Pure functions. In namespace smtp::sasl
// so other modules' base64 helpers cannot clash with these.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtp::sasl {

std::string Base64Encode(std::string_view bytes);
// Strict decoding: nullopt on a character outside the alphabet, bad padding,
// or a length that is not a multiple of 4. "" decodes to "".
std::optional<std::string> Base64Decode(std::string_view text);

struct PlainCredentials {
  std::string authzid;  // usually empty
  std::string authcid;  // the user name
  std::string password;
};
// "authzid\0authcid\0password" (already base64-decoded); nullopt unless it
// has exactly two NULs and a non-empty authcid.
std::optional<PlainCredentials> ParsePlain(std::string_view decoded);

}  // namespace smtp::sasl
