// SmtpClientSession: one mail transaction over an open SmtpConnection, as a
// mail client does it (RFC 5321, 3207, 4954, 2920, 3030, 1870): greeting,
// EHLO (HELO after a 5xx), STARTTLS and EHLO again, AUTH PLAIN/LOGIN, MAIL
// FROM with SIZE= (refused locally when over the advertised limit), RCPT per
// recipient (rejections noted, failing only when none is accepted), DATA
// with dot-stuffing or BDAT, PIPELINING of MAIL/RCPT/DATA when advertised,
// QUIT. The outcome says which phase failed and shows the server's reply.
//
// The observer sees the transcript with AUTH secrets replaced by
// "<redacted>". Not thread-safe; one Send() per session.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/client/smtp_connection.h"
#include "harness/report/send_outcome.h"

namespace smtp {

enum class StartTlsMode { kNever, kAuto, kAlways };

// The AUTH mechanisms this client speaks, in the order it prefers them when
// none is named (`send --auth-mechanism` offers and accepts these).
const std::vector<std::string>& ClientAuthMechanisms();

struct SessionOptions {
  std::string helo;  // empty: "[local address]" (RFC 5321 §4.1.3 literal)
  StartTlsMode starttls = StartTlsMode::kNever;
  TlsOptions tls;
  std::string auth_user;  // AUTH when not empty
  std::string auth_password;
  std::string auth_mechanism;  // one of ClientAuthMechanisms(); empty: the first offered
  bool chunking = false;       // BDAT when CHUNKING is advertised
  bool pipelining = true;      // pipeline MAIL/RCPT/DATA when PIPELINING is advertised
  Duration command_timeout{std::chrono::seconds(30)};
  Duration data_timeout{std::chrono::minutes(5)};  // for the reply after the final dot
  SmtpConnection::Observer observer;
};

struct Envelope {
  std::string mail_from;             // addr-spec, "" for the null path
  std::vector<std::string> rcpt_to;  // addr-specs
};

class SmtpClientSession {
 public:
  SmtpClientSession(SmtpConnection& connection, SessionOptions options);
  SmtpClientSession(const SmtpClientSession&) = delete;
  SmtpClientSession& operator=(const SmtpClientSession&) = delete;

  // Runs the whole transaction for `message` (RFC 5322 text, any line
  // endings; sent with CRLF). Sends QUIT in the end, also after a failure
  // when the connection still works.
  SendOutcome Send(const Envelope& envelope, std::string_view message);

 private:
  class Run;
  SmtpConnection& conn_;
  SessionOptions options_;
};

}  // namespace smtp
