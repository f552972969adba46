// After a server sent no greeting, a second short connection finds out what
// listens on the port: it speaks first (an HTTP server answers a request
// line, a TLS server answers plaintext with an alert or closes), so the user
// hears "this port speaks TLS: use smtps://" rather than "no reply within 5s".
#pragma once

#include <cstdint>
#include <string>

#include "harness/util/duration.h"

namespace smtp {

// Connects to host:port (an IP literal; names are not resolved), writes an
// EHLO line that is also an HTTP/1.0 request line, and a blank line, reads what comes back within
// `timeout`, and returns advice for the user; "" when the probe could not connect or the answer
// looks like SMTP.
std::string ProbeSilentPeer(const std::string& host, uint16_t port, Duration timeout);

}  // namespace smtp
