#include "harness/client/encoded_word.h"

#include "harness/client/base64.h"

namespace smtp {
namespace {

constexpr size_t kMaxBytesPerWord = 45;  // 60 base64 chars + 12 of "=?UTF-8?B?" "?=" <= 75

// Length of the UTF-8 sequence starting with `lead` (1 for stray bytes, so
// invalid input is still split and encoded rather than looped on).
size_t Utf8Length(unsigned char lead) {
  if (lead >= 0xF0 && lead < 0xF8) return 4;
  if (lead >= 0xE0) return lead < 0xF0 ? 3 : 1;
  if (lead >= 0xC0) return 2;
  return 1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

bool IsPlainAscii(std::string_view text) {
  for (unsigned char c : text) {
    if (c == '\t') continue;
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

std::string EncodeHeaderText(std::string_view utf8) {
  if (IsPlainAscii(utf8)) return std::string(utf8);
  std::string out;
  size_t i = 0;
  while (i < utf8.size()) {
    size_t end = i;
    while (end < utf8.size()) {
      size_t n = Utf8Length(static_cast<unsigned char>(utf8[end]));
      if (end + n > utf8.size()) n = utf8.size() - end;
      if (end - i + n > kMaxBytesPerWord) break;
      end += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string DecodeHeaderText(std::string_view value) {
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

}  // namespace smtp
