#include "harness/net/stream.h"

#include <netinet/tcp.h>

#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

#include "harness/net/direct_io.h"

namespace smtp {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace

NetStream::NetStream(asio::ip::tcp::socket socket, const Clock& clock)
    : clock_(clock),
      socket_(std::move(socket)),
      reads_(
          socket_.get_executor(), [this] { CancelSocket(); }, clock) {}

NetStream::NetStream(const asio::any_io_executor& executor, const Clock& clock)
    : NetStream(asio::ip::tcp::socket(executor), clock) {}

NetStream::~NetStream() { Close(); }

void NetStream::CancelSocket() {
  asio::error_code ignored;
  socket_.cancel(ignored);
}

asio::awaitable<asio::error_code> NetStream::Connect(const asio::ip::tcp::endpoint& endpoint,
                                                     Duration timeout) {
  asio::error_code ec;
  if (!socket_.is_open()) {
    socket_.open(endpoint.protocol(), ec);
    if (ec) co_return ec;
  }
  reads_.Arm(timeout);
  std::tie(ec) = co_await socket_.async_connect(endpoint, kTuple);
  reads_.Disarm();
  if (reads_.timed_out()) co_return asio::error::timed_out;
  if (!ec) socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  co_return ec;
}

NetStream::ReadResult NetStream::TryReadSome(asio::mutable_buffer buf) {
  if (tls_) return {asio::error::would_block, 0};
  auto [ec, n] = TryReceive(socket_, static_cast<char*>(buf.data()), buf.size());
  return {ec, n};
}

asio::error_code NetStream::TryWrite(std::string_view& bytes) {
  if (tls_ || bytes.empty()) return {};
  auto [ec, n] = TrySend(socket_, bytes);
  bytes.remove_prefix(n);
  return ec == asio::error::would_block ? asio::error_code() : ec;
}

Watchdog& NetStream::WriteWatchdog() {
  if (!writes_)
    writes_.emplace(
        socket_.get_executor(), [this] { CancelSocket(); }, clock_);
  return *writes_;
}

asio::awaitable<asio::error_code> NetStream::Handshake(asio::ssl::context& context,
                                                       asio::ssl::stream_base::handshake_type type,
                                                       Duration timeout,
                                                       const std::function<bool(SSL*)>& prepare) {
  if (tls_) co_return asio::error::already_connected;
  tls_.emplace(socket_, context);
  if (prepare && !prepare(tls_->native_handle())) co_return asio::error::invalid_argument;
  reads_.Arm(timeout);
  auto [ec] = co_await tls_->async_handshake(type, kTuple);
  reads_.Disarm();
  co_return reads_.timed_out() ? asio::error::timed_out : ec;
}

asio::awaitable<void> NetStream::ShutdownTls(Duration timeout) {
  if (!tls_) co_return;
  reads_.Arm(timeout);
  co_await tls_->async_shutdown(kTuple);
  reads_.Disarm();
}

void NetStream::Cancel() { CancelSocket(); }

void NetStream::ShutdownSend() {
  if (tls_) return;  // a TLS close_notify would need a write; the socket closes soon anyway
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
}

void NetStream::AckNow() {
#ifdef TCP_QUICKACK
  // Not sticky: the kernel may go back to delayed ACKs, so it is set again
  // each time. Setting it sends an ACK that is due now.
  asio::detail::socket_option::boolean<IPPROTO_TCP, TCP_QUICKACK> quick(true);
  asio::error_code ignored;
  socket_.set_option(quick, ignored);
#endif
}

void NetStream::Close() {
  reads_.Stop();
  if (writes_) writes_->Stop();
  if (!socket_.is_open()) return;
  asio::error_code ignored;
  // close() alone sends the FIN; a shutdown() first would be one more
  // syscall per session, and fails anyway when the peer closed first.
  socket_.close(ignored);
}

}  // namespace smtp
