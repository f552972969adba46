#include "harness/util/target.h"

#include <cctype>

#include "harness/util/host_port.h"

namespace smtp {

std::string Target::ToString() const {
  if (kind == Kind::kFake) return "fake";
  return std::string(kind == Kind::kSmtps ? "smtps://" : "smtp://") + FormatHostPort(host, port);
}

Result<Target> ParseTarget(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("invalid target '" + text + "': " + why);
  };
  Target t;
  if (text == "fake") return t;
  std::string rest;
  if (text.rfind("smtp://", 0) == 0) {
    t.kind = Target::Kind::kSmtp;
    t.port = 25;
    rest = text.substr(7);
  } else if (text.rfind("smtps://", 0) == 0) {
    t.kind = Target::Kind::kSmtps;
    t.port = 465;
    rest = text.substr(8);
  } else {
    return bad("expected fake, smtp://HOST:PORT or smtps://HOST:PORT");
  }
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  std::string port_text;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return bad("unclosed '[' in host");
    t.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("expected ':PORT' after ']'");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find(':') != colon) {
      return bad("IPv6 addresses go in brackets, e.g. smtp://[::1]:25");
    }
    t.host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
    if (colon != std::string::npos && port_text.empty()) return bad("empty port");
  }
  if (t.host.empty()) return bad("missing host");
  if (!port_text.empty()) {
    unsigned long p = 0;
    for (char c : port_text) {
      if (!std::isdigit(static_cast<unsigned char>(c))) return bad("port is not a number");
      p = p * 10 + static_cast<unsigned long>(c - '0');
      if (p > 65535) return bad("port out of range");
    }
    if (p == 0) return bad("port out of range");
    t.port = static_cast<uint16_t>(p);
  }
  return t;
}

}  // namespace smtp
