#include "harness/load/load_connection.h"

#include <asio/experimental/as_tuple.hpp>

#include "harness/net/direct_io.h"

namespace smtp {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr size_t kReplyLineLimit = 64 * 1024;

}  // namespace

LoadConnection::LoadConnection(asio::io_context& io, asio::ssl::context* tls)
    : socket_(io),
      watchdog_(io.get_executor(),
                [this] {
                  asio::error_code ignored;
                  socket_.cancel(ignored);
                }),
      tls_ctx_(tls),
      framer_(kReplyLineLimit) {}

LoadConnection::~LoadConnection() { Close(); }

Status LoadConnection::FromError(const asio::error_code& ec, const char* what) const {
  if (watchdog_.timed_out()) return Status::Timeout(std::string(what) + " timed out");
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    return Status::Closed("connection closed by the server");
  }
  if (ec.category() == asio::error::get_ssl_category()) return Status::Tls(ec.message());
  return Status::Io(std::string(what) + ": " + ec.message());
}

void LoadConnection::Close() {
  if (closed_) return;
  closed_ = true;
  asio::error_code ignored;
  watchdog_.Stop();
  // close() alone sends the FIN; a shutdown() first would be one more
  // syscall per session for nothing.
  socket_.close(ignored);
}

asio::awaitable<Status> LoadConnection::Connect(const asio::ip::tcp::endpoint& ep,
                                                bool implicit_tls, Duration timeout) {
  watchdog_.Arm(timeout);
  auto [ec] = co_await socket_.async_connect(ep, kTuple);
  watchdog_.Disarm();
  if (ec) co_return FromError(ec, "connect");
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  if (implicit_tls) co_return co_await StartTls(timeout);
  co_return Status::Ok();
}

asio::awaitable<Status> LoadConnection::Write(std::string_view bytes, Duration timeout) {
  if (watchdog_.timed_out() || closed_) co_return Status::Io("connection is no longer usable");
  asio::error_code ec;
  if (!tls_) {
    // A command almost always fits in the socket buffer: write it directly.
    // Completing through the io_context instead costs a posted handler and
    // an extra epoll_wait per command (seen in strace: 14 per session).
    auto [sent_ec, n] = TrySend(socket_, bytes);
    if (!sent_ec && n == bytes.size()) co_return Status::Ok();
    if (sent_ec && sent_ec != asio::error::would_block) co_return FromError(sent_ec, "write");
    bytes.remove_prefix(n);
  }
  watchdog_.Arm(timeout);
  if (tls_) {
    std::tie(ec, std::ignore) = co_await asio::async_write(*tls_, asio::buffer(bytes), kTuple);
  } else {
    std::tie(ec, std::ignore) = co_await asio::async_write(socket_, asio::buffer(bytes), kTuple);
  }
  watchdog_.Disarm();
  if (ec) co_return FromError(ec, "write");
  co_return Status::Ok();
}

// Not a coroutine: it returns the read's own awaitable, so awaiting it costs
// no extra coroutine frame (this is on the path of every reply).
asio::awaitable<std::tuple<asio::error_code, size_t>> LoadConnection::ReadSome() {
  if (tls_) return tls_->async_read_some(asio::buffer(buf_), kTuple);
  return socket_.async_read_some(asio::buffer(buf_), kTuple);
}

asio::awaitable<Result<Reply>> LoadConnection::ReadReply(Duration timeout) {
  if (watchdog_.timed_out() || closed_) co_return Status::Io("connection is no longer usable");
  bool armed = false;
  for (;;) {
    while (auto line = framer_.Next()) {
      if (line->too_long) co_return Status::Protocol("reply line too long");
      auto r = parser_.FeedLine(line->text);
      if (!r.ok()) co_return Status::Protocol(r.status().message() + ": \"" + line->text + "\"");
      if (r->has_value()) {
        if (armed) watchdog_.Disarm();
        co_return std::move(**r);
      }
    }
    if (!armed) {
      watchdog_.Arm(timeout);
      armed = true;
    }
    auto [ec, n] = co_await ReadSome();
    if (ec) {
      watchdog_.Disarm();
      co_return FromError(ec, "read");
    }
    framer_.Feed(std::string_view(buf_.data(), n));
  }
}

asio::awaitable<Status> LoadConnection::StartTls(Duration timeout) {
  framer_.TakeRaw();
  parser_.Reset();
  if (!tls_ctx_) co_return Status::Internal("no TLS context");
  tls_.emplace(socket_, *tls_ctx_);
  watchdog_.Arm(timeout);
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::client, kTuple);
  watchdog_.Disarm();
  if (ec) co_return Status::Tls("TLS handshake failed: " + FromError(ec, "handshake").message());
  co_return Status::Ok();
}

asio::awaitable<Status> LoadConnection::WaitForClose(Duration timeout) {
  if (framer_.buffered() > 0) co_return Status::Protocol("more data instead of a close");
  watchdog_.Arm(timeout);
  auto [ec, n] = co_await ReadSome();
  watchdog_.Disarm();
  if (!ec && n > 0) co_return Status::Protocol("more data instead of a close");
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset) {
    co_return Status::Ok();
  }
  co_return FromError(ec, "read");
}

}  // namespace smtp
