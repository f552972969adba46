#include "harness/core/not_smtp.h"

#include <cctype>

namespace smtp {

std::string DescribeNonSmtpPeer(std::string_view b) {
  auto starts = [&](std::string_view p) { return b.substr(0, p.size()) == p; };
  auto starts_nocase = [&](std::string_view p) {
    if (b.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(b[i])) != p[i]) return false;
    }
    return true;
  };
  // An HTTP status line, or an HTML page without one (an HTTP/0.9 answer).
  if (starts("HTTP/") || starts_nocase("<!doctype html") || starts_nocase("<html"))
    return "the server sent an HTTP response: is this the right port?";
  // A TLS record: handshake (0x16) or alert (0x15), version 3.x.
  if (b.size() >= 2 && (b[0] == '\x16' || b[0] == '\x15') && b[1] == '\x03') {
    return "this port speaks TLS: use smtps:// (implicit TLS) for it";
  }
  if (starts("SSH-")) return "the server is an SSH server: is this the right port?";
  if (starts("+OK") || starts("-ERR")) return "the server speaks POP3: is this the right port?";
  if (starts("* OK") || starts("* BYE") || starts("* PREAUTH")) {
    return "the server speaks IMAP: is this the right port?";
  }
  return "";
}

}  // namespace smtp
