// How `send` encodes a MIME body part so that it is valid under RFC 2045-2049
// whatever its bytes: which Content-Transfer-Encoding a part may use, and the
// quoted-printable encoder for text that cannot travel as 7bit/8bit.
#pragma once

#include <string>
#include <string_view>

namespace smtp {

// True when `crlf_text` (lines ending in CRLF) may be sent as 7bit or 8bit
// (RFC 2045 §2.7/§2.8): no NUL, no bare CR or LF, no line over 998 octets.
bool FitsSevenOrEightBit(std::string_view crlf_text);

bool IsPlainAsciiBytes(std::string_view bytes);

// RFC 2045 §6.7 quoted-printable of `crlf_text`: CRLF line breaks stay hard
// breaks, lines are soft-broken at 76 characters, '=' and non-ASCII bytes
// (and a bare CR or LF) are =XX, trailing space/TAB before a break is encoded.
std::string QuotedPrintableEncode(std::string_view crlf_text);

// RFC 2231 `name*=UTF-8''percent-encoded` value for a non-ASCII parameter.
std::string Rfc2231Value(std::string_view utf8);

}  // namespace smtp
