// Run targets: `fake` (the embedded fake server), `smtp://HOST:PORT` and
// `smtps://HOST:PORT` (implicit TLS). IPv6 literals go in brackets:
// smtp://[::1]:2525. The port defaults to 25 (smtp) and 465 (smtps).
#pragma once

#include <cstdint>
#include <string>

#include "harness/util/status.h"

namespace smtp {

struct Target {
  enum class Kind { kFake, kSmtp, kSmtps };
  Kind kind = Kind::kFake;
  std::string host;  // without brackets
  uint16_t port = 0;

  std::string ToString() const;  // "fake", "smtp://127.0.0.1:25", "smtps://[::1]:465"
};

// Errors read "invalid target 'x': expected fake, smtp://HOST:PORT or smtps://HOST:PORT".
Result<Target> ParseTarget(const std::string& text);

}  // namespace smtp
