// LoadConnection: one asynchronous SMTP client connection for `load`, plain
// TCP or TLS (implicit or after STARTTLS), used from C++20 coroutines on the
// io_context of one load thread. Every operation has a deadline.
//
// The bytes go over a NetStream (harness/net/stream.h), whose watchdog
// keeps the deadlines: when one passes the socket is cancelled, the pending
// operation ends with kTimeout and the connection is unusable.
//
// Errors as Status, as SmtpConnection's: kTimeout, kClosed (peer closed),
// kProtocol (malformed reply), kIo, kTls. Create with std::make_shared; not
// thread-safe (one io_context thread).
#pragma once

#include <array>
#include <asio.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "harness/core/line_framer.h"
#include "harness/core/reply.h"
#include "harness/net/stream.h"
#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  using Clock = std::chrono::steady_clock;

  // `tls` may be null when the plan never starts TLS (an SSL_CTX costs ~10M
  // instructions to build, more than a thousand plain sessions).
  LoadConnection(asio::io_context& io, asio::ssl::context* tls);
  ~LoadConnection();

  asio::awaitable<Status> Connect(const asio::ip::tcp::endpoint& endpoint, bool implicit_tls,
                                  Duration timeout);
  asio::awaitable<Status> Write(std::string_view bytes, Duration timeout);
  asio::awaitable<Result<Reply>> ReadReply(Duration timeout);
  // The TLS handshake after "STARTTLS" got its 220; buffered plaintext is dropped.
  asio::awaitable<Status> StartTls(Duration timeout);
  // Ok when the peer closes within the timeout; kProtocol if it sends bytes.
  asio::awaitable<Status> WaitForClose(Duration timeout);
  void Close();

 private:
  Status FromError(const asio::error_code& ec, const char* what) const;

  NetStream stream_;
  asio::ssl::context* tls_ctx_;
  bool closed_ = false;
  bool broken_ = false;  // an operation timed out: the stream is unusable
  LineFramer framer_;
  ReplyParser parser_;
  std::array<char, 16 * 1024>
      buf_;  // not value-initialised: a 16 KB memset per session showed in callgrind
};

}  // namespace smtp
