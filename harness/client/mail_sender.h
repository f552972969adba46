// SendMail: one message to its destination. Picks the server (the one given,
// or the recipient domain's MX hosts in order, falling back to the address
// record), connects (trying the next address or host when a connection
// fails), and runs an SmtpClientSession. What `send` calls; the CLI only
// parses flags and prints the outcome.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness/client/smtp_client_session.h"
#include "harness/report/send_outcome.h"
#include "harness/util/status.h"

namespace smtp {

struct HostPort {
  std::string host;              // without brackets
  std::optional<uint16_t> port;  // nullopt when not given
};

// "127.0.0.1", "127.0.0.1:2525", "[::1]:2525", "::1", "mx.example:25".
Result<HostPort> ParseHostPort(std::string_view text);

struct SendRequest {
  std::optional<HostPort> server;  // nullopt: MX delivery to the recipients' domain
  uint16_t default_port = 25;      // when the server or MX gives none
  bool implicit_tls = false;
  std::string dns_server;  // for MX delivery; empty: system resolver
  Duration connect_timeout{std::chrono::seconds(10)};
  SessionOptions session;
  Envelope envelope;
  std::string message;
};

SendOutcome SendMail(const SendRequest& request);

}  // namespace smtp
