// ServerSession: the server side of one SMTP session (RFC 5321 with the
// ESMTP extensions of SPEC §5), as a pure state machine. No I/O: it eats the
// client's bytes exactly as read and returns what to send and do, in order.
//
// Pipelined commands (RFC 2920) are answered in order within one Feed call.
// STARTTLS (RFC 3207) returns kStartTls after its 220 and discards whatever
// plaintext was pipelined behind it; the caller does the handshake and calls
// TlsStarted(), after which the client must send EHLO again. Messages (DATA
// or BDAT) go to the `store` function before their 250 is produced; a store
// failure answers 451 (nothing acknowledged is lost).
//
// `rules` (optional, shared between the sessions of one server) replace or
// shape replies: see fault_rules.h, and docs/fake-server.md for the effect of
// each action. Replies carry the rule that shaped them so the network side can
// delay or split them.
//
// The config (and rules) must outlive the session. Not thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/fault_rules.h"
#include "harness/core/line_framer.h"
#include "harness/core/server_config.h"
#include "harness/util/status.h"

namespace smtp {

// One accepted mail transaction, as it is stored.
struct ServerTransaction {
  std::string helo;                  // HELO/EHLO argument
  std::string mail_from;             // reverse-path without brackets ("" for <>)
  std::vector<std::string> rcpt_to;  // forward-paths without brackets
  std::string data;                  // CRLF lines, dots removed, no terminator
  bool tls = false;
  std::string auth_user;
  std::string body;       // BODY= value upper-cased, "" when not given
  bool smtputf8 = false;  // MAIL ... SMTPUTF8
  bool chunked = false;   // received with BDAT
};

struct ServerOutput {
  enum class Kind { kReply, kStartTls, kClose };
  Kind kind = Kind::kReply;
  std::string wire;                 // kReply: the bytes to send, CRLF included
  const FaultRule* rule = nullptr;  // kReply: a rule's delay/split applies
};

using ServerOutputs = std::vector<ServerOutput>;

class ServerSession {
 public:
  enum class State {
    kConnected,    // greeting sent, waiting for HELO/EHLO
    kReady,        // HELO/EHLO done, no transaction
    kMail,         // MAIL accepted
    kRcpt,         // at least one RCPT accepted
    kData,         // reading DATA text
    kBdat,         // reading a BDAT chunk
    kAuth,         // waiting for an AUTH continuation line
    kStartingTls,  // kStartTls returned, handshake pending
    kRejected,     // a rule rejected the connection: only QUIT is served
    kClosed,
  };
  using StoreFn = std::function<Status(const ServerTransaction&)>;

  // `session_number` (the server's 1-based count of sessions; 0 for a lone
  // session) makes queue ids unique across a server's sessions: the 2nd
  // message of session 7 is "queued as 7.2" (just "2" when it is 0).
  ServerSession(const FakeServerConfig& config, StoreFn store,
                std::shared_ptr<RuleBook> rules = nullptr, bool tls = false, std::string peer = "",
                int session_number = 0);
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  ServerOutputs Start();  // the greeting (or what an on-connect rule says)
  ServerOutputs Feed(std::string_view bytes);
  void TlsStarted();
  ServerOutputs IdleTimeout();  // 421 4.4.2 and close
  ServerOutputs Shutdown();     // 421 4.3.2 and close

  State state() const { return state_; }
  bool closed() const { return state_ == State::kClosed; }
  bool tls() const { return tls_; }
  // The EHLO keywords as advertised right now (with parameters).
  std::vector<std::string> Extensions() const;
  bool Advertised(std::string_view keyword) const;
  int messages_accepted() const { return messages_accepted_; }

 private:
  void Pump(ServerOutputs& out);
  void OnCommandLine(const FramedLine& line, ServerOutputs& out);
  void Dispatch(std::string_view line, ServerOutputs& out);
  void OnDataLine(const FramedLine& line, ServerOutputs& out);
  void OnAuthLine(const FramedLine& line, ServerOutputs& out);
  void OnBdatBytes(ServerOutputs& out);

  void Helo(std::string_view verb, std::string_view args, ServerOutputs& out);
  void Mail(std::string_view args, ServerOutputs& out);
  void Rcpt(std::string_view args, ServerOutputs& out);
  void Data(std::string_view args, ServerOutputs& out);
  void Bdat(std::string_view args, ServerOutputs& out);
  void Auth(std::string_view args, ServerOutputs& out);
  void StartTls(std::string_view args, ServerOutputs& out);
  void FinishMessage(ServerOutputs& out);
  void FinishAuth(std::string_view user, std::string_view password, ServerOutputs& out);
  void EnterMessage();
  FakeServerConfig::BareNewlines DataLineEndings() const;
  void ResetTransaction();

  // A reply line; the enhanced code is shown only when ENHANCEDSTATUSCODES
  // was advertised in answer to EHLO.
  void Say(ServerOutputs& out, int code, std::string_view enhanced, std::string_view text);
  std::string Line(int code, std::string_view enhanced, std::string_view text, bool last) const;
  void Close(ServerOutputs& out);
  static std::string RuleReplyWire(const std::string& text);
  std::vector<std::string> ComputeExtensions() const;

  const FakeServerConfig& config_;
  StoreFn store_;
  std::shared_ptr<RuleBook> rules_;
  std::string peer_;
  int session_number_ = 0;
  LineFramer framer_;
  State state_ = State::kConnected;
  bool tls_ = false;
  bool fed_ = false;       // bytes have arrived (the first ones are checked for a TLS handshake)
  bool esmtp_ = false;     // EHLO (not HELO) was used
  bool enhanced_ = false;  // ENHANCEDSTATUSCODES in force (EHLO and advertised)
  std::vector<std::string> extensions_;
  std::string helo_;
  std::string auth_user_;
  ServerTransaction txn_;

  // Message in progress.
  size_t data_size_ = 0;  // octets received (unstuffed), also past the limit
  bool data_too_long_line_ = false;
  std::string data_bare_;       // the first bare LF/CR seen in the message, named for the reply
  bool data_prev_crlf_ = true;  // the previous data line ended in CRLF (or there was none)
  bool bdat_failed_ = false;    // a chunk was refused; the rest is skipped
  size_t bdat_remaining_ = 0;
  bool bdat_last_ = false;
  std::string bdat_error_;  // reply for a chunk that is read but refused
  State bdat_return_ = State::kReady;

  // Drop-in-DATA fault: armed by a rule, fires after this many message bytes.
  const FaultRule* drop_rule_ = nullptr;
  size_t drop_seen_ = 0;

  // AUTH in progress.
  std::string auth_mech_;
  std::string auth_login_user_;
  bool auth_have_user_ = false;

  int messages_accepted_ = 0;
};

}  // namespace smtp
