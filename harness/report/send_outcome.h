// SendOutcome: what one `send` attempt came to, and the exit status each
// failed phase maps to (SPEC §6; modelled on swaks' codes so scripts that
// know those read ours the same way). Pure data and functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/reply.h"

namespace smtp {

enum class SendPhase {
  kNone,      // nothing failed: the message was accepted
  kResolve,   // finding the MX hosts (DNS)
  kConnect,   // TCP connect, or the implicit-TLS handshake
  kGreeting,  // the 220 banner
  kEhlo,      // EHLO, and HELO after a 5xx
  kStartTls,  // STARTTLS and its handshake
  kAuth,      // AUTH
  kMail,      // MAIL FROM (also: message larger than the advertised SIZE)
  kRcpt,      // no recipient accepted
  kData,      // DATA/BDAT command, or sending the message
  kFinal,     // the reply after the final dot (or last BDAT)
};

// Exit statuses of `send`. 0 sent, 2 usage; the rest name the phase.
inline constexpr int kSendExitOk = 0;
inline constexpr int kSendExitLocal = 1;  // a local problem: unreadable file, internal error
inline constexpr int kSendExitUsage = 2;
int SendExitCode(SendPhase failed);
// Lower-case name used in messages and JSON: "connect", "ehlo", "rcpt", ...
const char* SendPhaseName(SendPhase phase);

struct RecipientResult {
  std::string address;
  int code = 0;
  std::string reply;  // one line, as shown to people
};

struct SendOutcome {
  SendPhase failed = SendPhase::kNone;
  std::string error;           // one line for people, includes the server's reply
  std::optional<Reply> reply;  // the reply that failed the phase, if any
  std::string server;          // "127.0.0.1:2525"
  std::string helo;            // the name we greeted with
  bool esmtp = false;          // EHLO worked (false: HELO fallback)
  bool tls = false;
  bool authenticated = false;
  bool pipelined = false;
  bool chunked = false;
  bool smtputf8 = false;  // MAIL carried SMTPUTF8 (a non-ASCII address)
  std::vector<RecipientResult> accepted;
  std::vector<RecipientResult> rejected;
  std::optional<Reply> final_reply;
  std::string queue_id;
  std::vector<std::pair<std::string, double>> timings_ms;  // per phase, in order

  bool ok() const { return failed == SendPhase::kNone; }
};

// A reply on one line: "550 5.1.1 No such user", multi-line joined with " / ".
std::string ReplyOneLine(const Reply& reply);
// The queue id a server puts in its final reply: Postfix "queued as 4F3x",
// Exim "id=1abc-..", Sendmail "<id> Message accepted"; empty when none.
std::string ExtractQueueId(const Reply& reply);

}  // namespace smtp
