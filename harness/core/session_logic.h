// SessionLogic: what one server-side SMTP session does with the bytes it
// receives, with no I/O. The FakeServer's network loop feeds it raw bytes
// and carries out the actions it returns, in order.
//
// Two implementations: the RFC 5321 server (the default,
// fake_server/rfc_session_logic.h, driven by the core state machine and the
// `rules:` of FakeServerConfig), and the scripted server of server-mode
// scenarios (it plays a transcript and checks the client). A factory makes
// one per accepted connection.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

// A message the server accepted, as SessionContext::store receives it.
struct ReceivedMessage {
  int session = 0;        // 1-based session number
  std::string helo;       // HELO/EHLO argument
  std::string mail_from;  // reverse-path without brackets ("" for <>)
  std::vector<std::string> rcpt_to;
  std::string data;       // the message as received: CRLF lines, dots removed
  bool tls = false;       // received over TLS
  std::string auth_user;  // empty unless authenticated
};

struct SessionAction {
  enum class Kind {
    kWrite,     // write `bytes`
    kPause,     // wait `pause` before the next action (delays, split replies)
    kClose,     // close the connection (after everything before it was written)
    kStartTls,  // do the server side of a TLS handshake now (after a 220 to STARTTLS)
    kPeek,      // tell the logic (OnPeek, with `bytes` as the tag) how many bytes the
                // client has sent that no read has taken yet, without taking them
  };
  Kind kind = Kind::kWrite;
  std::string bytes;
  Duration pause{0};
  // kPause: first acknowledge what was read (TCP_QUICKACK), so a client
  // whose kernel holds its next small write until our ACK (Nagle) sends it
  // during the pause, where a kPeek after it sees it.
  bool ack_first = false;

  static SessionAction Write(std::string b) { return {Kind::kWrite, std::move(b), Duration(0)}; }
  static SessionAction Pause(Duration d) { return {Kind::kPause, {}, d}; }
  static SessionAction AckAndPause(Duration d) { return {Kind::kPause, {}, d, true}; }
  static SessionAction Close() { return {Kind::kClose, {}, Duration(0)}; }
  static SessionAction StartTls() { return {Kind::kStartTls, {}, Duration(0)}; }
  static SessionAction Peek(std::string tag) { return {Kind::kPeek, std::move(tag), Duration(0)}; }
};

using SessionActions = std::vector<SessionAction>;

// How a session ended, as the network side saw it.
enum class SessionEnd {
  kClientClosed,    // the peer closed (or the connection failed)
  kIdleTimeout,     // no bytes within the read timeout
  kCommandTimeout,  // a command line did not complete within --command-timeout
  kDataTimeout,     // the message did not complete within --data-timeout
  kServerStopping,  // Stop() while the session was open: it may still say goodbye
  kServerStopped,   // the logic was destroyed without OnEnd (the server is gone)
  kClosedByServer,  // an action closed it (after 221, a fault rule, a failed write)
};

// A short phrase for transcripts and reports ("client closed", "idle timeout").
std::string_view SessionEndName(SessionEnd end);

// One of the three timeouts (idle, command, data): the server may say 421.
bool IsTimeout(SessionEnd end);

// What the network side tells a new session about itself.
struct SessionContext {
  int session = 0;   // 1-based, in accept order
  std::string peer;  // "127.0.0.1:53122"
  bool tls = false;  // implicit TLS listener
  // Stores an accepted message; the logic calls it BEFORE answering 250 and
  // answers 451 if it fails (nothing lost that was acknowledged).
  std::function<Status(const ReceivedMessage&)> store;
};

class SessionLogic {
 public:
  virtual ~SessionLogic() = default;
  // The connection is open: usually the greeting.
  virtual SessionActions OnConnect() = 0;
  // Bytes arrived, exactly as read (the logic does its own framing).
  virtual SessionActions OnBytes(std::string_view bytes) = 0;
  // The TLS handshake requested by kStartTls finished.
  virtual void OnTlsStarted() {}
  // A kPeek action ran: `waiting` bytes from the client were there, unread
  // (a check that the client waits: bytes sent before the greeting, or in
  // the middle of a reply written in pieces). `tag` is the action's.
  virtual void OnPeek(std::string_view tag, size_t waiting) {
    (void)tag;
    (void)waiting;
  }
  // How long the server waits for the client's next bytes, asked before each
  // read that has to wait: a script waits as long as the step it is on
  // allows. nullopt: the configured idle timeout. Called once per read on
  // the server's hot path, so it must be cheap and must not allocate.
  virtual std::optional<Duration> ReadTimeout() const { return std::nullopt; }
  // True while the client is sending a message (DATA text, a BDAT chunk):
  // the server's data_timeout bounds that phase instead of command_timeout.
  // Asked only when ReadTimeout() is nullopt; cheap, like ReadTimeout().
  virtual bool InMessage() const { return false; }
  // The peer closed, the idle timeout passed, or the server is stopping.
  // What it returns is written only if the connection can still take it
  // (not after kClientClosed or kClosedByServer).
  virtual SessionActions OnEnd(SessionEnd end) {
    (void)end;
    return {};
  }
};

using SessionLogicFactory = std::function<std::unique_ptr<SessionLogic>(const SessionContext&)>;

}  // namespace smtp
