// SmtpConnection: one client connection to an SMTP server, with a blocking
// API where every call carries its own deadline. Used by `send` (through
// SmtpClientSession) and, step by step, by the scenario runner.
//
// Internally it runs Asio (plain TCP or TLS over TCP) on a private
// io_context; no call blocks past its timeout. Errors come back as Status:
// kTimeout (deadline passed), kClosed (peer closed), kProtocol (a malformed
// reply, with the offending bytes), kIo (connect/read/write failure), kTls.
// Not thread-safe: one thread uses a connection at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "harness/core/reply.h"
#include "harness/core/transcript.h"
#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

struct TlsOptions {
  bool verify = true;       // check the certificate chain and host name
  std::string ca_file;      // extra CA bundle (PEM) besides the system store
  std::string server_name;  // SNI and name to verify; default: the host
};

struct ConnectOptions {
  std::string host;  // IP literal or name ("::1", "127.0.0.1", "mx.example")
  uint16_t port = 25;
  bool implicit_tls = false;  // smtps: TLS from the first byte
  TlsOptions tls;
  Duration connect_timeout{std::chrono::seconds(10)};
};

class SmtpConnection {
 public:
  // Called for every line written or read ('C' / 'S'), and for notes ('*').
  using Observer = std::function<void(const TranscriptEntry&)>;

  static Result<std::unique_ptr<SmtpConnection>> Connect(const ConnectOptions& options);
  virtual ~SmtpConnection() = default;

  // Writes bytes as they are (the caller adds CRLF).
  virtual Status Write(std::string_view bytes, Duration timeout) = 0;
  // Reads one complete (possibly multi-line) reply.
  virtual Result<Reply> ReadReply(Duration timeout) = 0;
  // TLS handshake on the open connection (after "STARTTLS" got 220).
  // Discards any plaintext bytes buffered before it (RFC 3207 §4.2).
  virtual Status StartTls(const TlsOptions& options, Duration timeout) = 0;
  // Waits for the peer to close. Ok when it closed; kTimeout if still open;
  // kProtocol if it sent more bytes instead (they are in the message).
  virtual Status WaitForClose(Duration timeout) = 0;
  virtual void Close() = 0;

  virtual bool tls_active() const = 0;
  virtual std::string peer() const = 0;  // "127.0.0.1:2525"
  // Our side's IP address ("127.0.0.1"), e.g. for an address-literal HELO
  // name; empty when unknown. (Added for `send`; default keeps fakes building.)
  virtual std::string local_address() const { return {}; }
  virtual void set_observer(Observer observer) = 0;
  // Caps on one reply (a hostile server may send megabytes of continuation
  // lines): past either, ReadReply fails naming the cap and the connection
  // is no longer usable. Defaults: no line cap, 4 MiB (`run` sets its own).
  virtual void set_reply_limits(size_t max_lines, size_t max_bytes) {
    (void)max_lines;
    (void)max_bytes;
  }
  static constexpr size_t kDefaultReplyLines = static_cast<size_t>(-1);
  static constexpr size_t kDefaultReplyBytes = 4 * 1024 * 1024;
};

}  // namespace smtp
