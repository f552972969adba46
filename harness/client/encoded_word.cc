#include "harness/client/encoded_word.h"

#include "harness/core/base64.h"

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

}  // namespace smtp
