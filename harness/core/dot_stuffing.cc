#include "harness/core/dot_stuffing.h"

namespace smtp {

std::string NormalizeLineEndings(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string DotStuff(std::string_view crlf_text) {
  std::string out;
  out.reserve(crlf_text.size() + 16);
  bool line_start = true;
  for (size_t i = 0; i < crlf_text.size(); ++i) {
    char c = crlf_text[i];
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = (c == '\n');
  }
  return out;
}

std::string EncodeDataBody(std::string_view text) {
  std::string out = DotStuff(NormalizeLineEndings(text));
  if (!out.empty() && (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0)) {
    out += "\r\n";
  }
  out += ".\r\n";
  return out;
}

std::string_view UnstuffLine(std::string_view line) {
  if (!line.empty() && line[0] == '.') line.remove_prefix(1);
  return line;
}

std::optional<size_t> EndOfDataDetector::Feed(std::string_view chunk) {
  for (size_t i = 0; i < chunk.size(); ++i) {
    char c = chunk[i];
    switch (state_) {
      case kMiddle:
        state_ = c == '\r' ? kCr : kMiddle;
        break;
      case kCr:
        state_ = c == '\n' ? kLineStart : (c == '\r' ? kCr : kMiddle);
        break;
      case kLineStart:
        state_ = c == '.' ? kDot : (c == '\r' ? kCr : kMiddle);
        break;
      case kDot:
        state_ = c == '\r' ? kDotCr : kMiddle;
        break;
      case kDotCr:
        if (c == '\n') {
          state_ = kLineStart;
          return i + 1;
        }
        state_ = c == '\r' ? kCr : kMiddle;
        break;
    }
  }
  return std::nullopt;
}

}  // namespace smtp
