// Base64 (RFC 4648 §4) for AUTH exchanges (RFC 4954) and MIME bodies
// (RFC 2045). Pure functions, shared by the client and the server.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smtp {

// Standard alphabet with '=' padding, on one line.
std::string Base64Encode(std::string_view bytes);

// As Base64Encode, broken into CRLF-terminated lines of at most
// `line_length` characters (RFC 2045 §6.8: 76), for MIME bodies.
std::string Base64EncodeLines(std::string_view bytes, size_t line_length = 76);

// Lenient decoding for MIME: whitespace is skipped. nullopt on a character
// outside the alphabet or bad padding.
std::optional<std::string> Base64Decode(std::string_view text);

// Strict decoding for SASL (RFC 4954 §4): no whitespace, a length that is a
// multiple of 4, padding only at the end. "" decodes to "".
std::optional<std::string> Base64DecodeStrict(std::string_view text);

}  // namespace smtp
