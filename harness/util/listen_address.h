// Parses the HOST:PORT a server listens on (`serve --listen`, a scenario's
// `listen:`, `grade --listen`). HOST must be an IP literal (IPv6 in brackets,
// as in [::1]:25) or `localhost`, which is taken as 127.0.0.1 without asking
// a resolver: tests never depend on DNS, and a listener bound to a name that
// resolved differently on another machine would be a silent surprise.
#pragma once

#include <cstdint>
#include <string>

#include "harness/util/status.h"

namespace smtp {

struct ListenAddress {
  std::string host;  // an IP literal, without brackets
  uint16_t port = 0;
  bool operator==(const ListenAddress&) const = default;
};

// Errors name what was given and what to write instead, e.g.
// "listen: 'mail.test' is not an IP address (names are not looked up);
// use an IP literal such as 127.0.0.1:2525".
Result<ListenAddress> ParseListenAddress(const std::string& text);

// True for 127.0.0.0/8 and ::1.
bool IsLoopbackAddress(const std::string& ip);

}  // namespace smtp
