// Decoders the tests use to check what the harness encodes, by decoding it
// back: the reverses of EncodeDataBody (harness/core/dot_stuffing.h) and
// EncodeHeaderText (harness/client/encoded_word.h). The harness itself never
// needs them, so they live here. Header-only.
#pragma once

#include <string>
#include <string_view>

#include "harness/core/base64.h"

namespace smtp::test {

// Reverses EncodeDataBody: from bytes up to and including CRLF.CRLF to the
// message (CRLF line endings, dots removed, without the terminator).
inline std::string DecodeDataBody(std::string_view wire) {
  std::string out;
  size_t start = 0;
  while (start < wire.size()) {
    size_t lf = wire.find('\n', start);
    size_t end = lf == std::string_view::npos ? wire.size() : lf + 1;
    std::string_view line = wire.substr(start, end - start);
    std::string_view bare = line;
    if (bare.size() >= 2 && bare.substr(bare.size() - 2) == "\r\n") bare.remove_suffix(2);
    if (bare == ".") break;
    if (!line.empty() && line[0] == '.') line.remove_prefix(1);
    out += line;
    start = end;
  }
  return out;
}

inline int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Decodes the encoded-words of a header value back to UTF-8 (B and Q
// encodings; whitespace between adjacent words dropped); text that is not an
// encoded-word is kept.
inline std::string DecodeHeaderText(std::string_view value) {
  std::string out;
  std::string pending_space;  // whitespace after an encoded-word, dropped if another follows
  bool last_was_word = false;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 2, "=?") == 0) {
      size_t q1 = value.find('?', i + 2);
      size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
      size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
      if (end != std::string_view::npos && q2 == q1 + 2) {
        char enc = static_cast<char>(value[q1 + 1] & ~0x20);
        std::string_view payload = value.substr(q2 + 1, end - q2 - 1);
        std::string decoded;
        bool ok = true;
        if (enc == 'B') {
          auto d = Base64Decode(payload);
          ok = d.has_value();
          if (ok) decoded = *d;
        } else if (enc == 'Q') {
          for (size_t k = 0; k < payload.size(); ++k) {
            char c = payload[k];
            if (c == '_') {
              decoded += ' ';
            } else if (c == '=' && k + 2 < payload.size() && HexValue(payload[k + 1]) >= 0 &&
                       HexValue(payload[k + 2]) >= 0) {
              decoded +=
                  static_cast<char>(HexValue(payload[k + 1]) * 16 + HexValue(payload[k + 2]));
              k += 2;
            } else {
              decoded += c;
            }
          }
        } else {
          ok = false;
        }
        if (ok) {
          if (!last_was_word) out += pending_space;
          pending_space.clear();
          out += decoded;
          last_was_word = true;
          i = end + 2;
          continue;
        }
      }
    }
    char c = value[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (c == ' ' || c == '\t') pending_space += c;
      ++i;
      continue;
    }
    out += pending_space;
    pending_space.clear();
    out += c;
    last_was_word = false;
    ++i;
  }
  out += pending_space;
  return out;
}

}  // namespace smtp::test
