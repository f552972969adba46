// UTF-8 well-formedness, byte by byte (RFC 3629).
#pragma once

#include <cstddef>
#include <string_view>

namespace smtp {

// Length of the well-formed UTF-8 sequence starting at text[i] (a byte >=
// 0x80), or 0 if it is malformed (overlong, surrogate, truncated, > U+10FFFF).
size_t Utf8SequenceLength(std::string_view text, size_t i);

}  // namespace smtp
