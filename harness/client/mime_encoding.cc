#include "harness/client/mime_encoding.h"

#include <cstdio>

namespace smtp {

bool IsPlainAsciiBytes(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool FitsSevenOrEightBit(std::string_view text) {
  size_t line = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') return false;
    if (c == '\r') {
      if (i + 1 >= text.size() || text[i + 1] != '\n') return false;
      ++i;
      line = 0;
      continue;
    }
    if (c == '\n') return false;  // a bare LF
    if (++line > 998) return false;
  }
  return true;
}

namespace {

std::string Hex(unsigned char c) {
  char buf[4];
  std::snprintf(buf, sizeof buf, "=%02X", c);
  return buf;
}

}  // namespace

std::string QuotedPrintableEncode(std::string_view text) {
  std::string out;
  size_t column = 0;
  auto emit = [&](const std::string& token) {
    if (column + token.size() > 75) {  // 75 + the soft break's '=' is 76
      out += "=\r\n";
      column = 0;
    }
    out += token;
    column += token.size();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool hard_break = c == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
    if (hard_break) {
      // Trailing whitespace before a line break must be encoded (§6.7 rule 3).
      if (!out.empty() && column > 0 && (out.back() == ' ' || out.back() == '\t')) {
        unsigned char ws = static_cast<unsigned char>(out.back());
        out.pop_back();
        --column;
        emit(Hex(ws));
      }
      out += "\r\n";
      column = 0;
      ++i;
      continue;
    }
    bool literal = (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t';
    // A '.' alone at the start of a line survives SMTP, but some gateways
    // mangle it; "From " at a line start is mangled by mbox writers.
    if (column == 0 && (c == '.' || (c == 'F' && text.substr(i, 5) == "From "))) literal = false;
    emit(literal ? std::string(1, static_cast<char>(c)) : Hex(c));
  }
  if (!out.empty() && column > 0 && (out.back() == ' ' || out.back() == '\t')) {
    unsigned char ws = static_cast<unsigned char>(out.back());
    out.pop_back();
    --column;
    emit(Hex(ws));
  }
  return out;
}

std::string Rfc2231Value(std::string_view utf8) {
  std::string out = "UTF-8''";
  for (unsigned char c : utf8) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace smtp
