// NetStream: one TCP connection, plain until a TLS handshake and TLS after
// it, with a deadline on every read, write, connect and handshake. The one
// stream type of the fake server, `load`, `record` and the built-in client.
//
// Deadlines are kept by Watchdogs (harness/net/watchdog.h): an operation
// arms one with its timeout and disarms it when done; a passed deadline
// cancels the socket, and the operation ends with asio::error::timed_out.
// Reads (and connect, handshake) and writes have a watchdog each, so one
// read and one write may be in flight together (the recording proxy relays
// both ways at once); a deadline cancels both. A plain read cut off by a
// deadline loses nothing; a TLS stream is unusable afterwards (a record may
// be half read).
//
// ReadSome and Write take an Asio completion token; by default they are
// awaited and give a tuple: `auto [ec, n] = co_await s.ReadSome(buf, 5s);`,
// `auto [ec] = co_await s.Write(bytes, 5s);`. They are Asio operations, not
// coroutines of their own: a coroutine per I/O cost a frame allocation per
// operation (harness/net/deadline_handler.h).
//
// TryReadSome and TryWrite do what can be done now without waiting
// (non-blocking, harness/net/direct_io.h), plain only. Lock-step SMTP
// almost always finds the socket buffer ready, and a completion through the
// io_context costs a posted handler and an epoll round per operation, so
// the busy paths try first and wait only for what is left:
//
//   asio::error_code ec = s.TryWrite(bytes);     // takes what went off `bytes`
//   if (!ec && !bytes.empty()) std::tie(ec) = co_await s.Write(bytes, timeout);
//
// Single-threaded: use from the io_context's thread only. Owns the socket;
// close with Close() (the destructor closes too).
#pragma once

#include <asio/async_result.hpp>
#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <functional>
#include <optional>
#include <string_view>
#include <tuple>

#include "harness/net/deadline_handler.h"
#include "harness/net/watchdog.h"
#include "harness/util/clock.h"
#include "harness/util/duration.h"

namespace smtp {

class NetStream {
 public:
  using ReadResult = std::tuple<asio::error_code, size_t>;
  // The token when none is given: co_await, errors in the tuple (no throw).
  using AwaitTuple = asio::experimental::as_tuple_t<asio::use_awaitable_t<>>;

  // `clock` decides the deadlines (tests pass a ManualClock); it must outlive
  // the stream.
  explicit NetStream(asio::ip::tcp::socket socket, const Clock& clock = SteadyClock());
  explicit NetStream(const asio::any_io_executor& executor, const Clock& clock = SteadyClock());
  ~NetStream();
  NetStream(const NetStream&) = delete;
  NetStream& operator=(const NetStream&) = delete;

  asio::awaitable<asio::error_code> Connect(const asio::ip::tcp::endpoint& endpoint,
                                            Duration timeout);
  // At most buf.size() bytes; eof when the peer closed. Completes with
  // void(asio::error_code, size_t); timed_out when the deadline passed.
  template <typename Token = AwaitTuple>
  auto ReadSome(asio::mutable_buffer buf, Duration timeout, Token&& token = {});
  // What is there now without waiting (would_block if nothing); plain only:
  // on TLS it always says would_block.
  ReadResult TryReadSome(asio::mutable_buffer buf);
  // All of `bytes` (which must stay valid until completion). Completes with
  // void(asio::error_code); timed_out when the deadline passed.
  template <typename Token = AwaitTuple>
  auto Write(std::string_view bytes, Duration timeout, Token&& token = {});
  // Sends what the socket takes now without waiting, and removes it from
  // the front of `bytes`; plain only: on TLS nothing is sent. An error
  // (never would_block) means the connection is broken.
  asio::error_code TryWrite(std::string_view& bytes);
  // Starts TLS over the connection. `prepare` runs on the new SSL object
  // before the handshake (SNI, the name to verify); if it says false there
  // is no handshake (invalid_argument). After a failure the stream is
  // unusable.
  asio::awaitable<asio::error_code> Handshake(asio::ssl::context& context,
                                              asio::ssl::stream_base::handshake_type type,
                                              Duration timeout,
                                              const std::function<bool(SSL*)>& prepare = nullptr);
  // A TLS close_notify, bounded by `timeout`; nothing on a plain stream.
  asio::awaitable<void> ShutdownTls(Duration timeout);

  // Ends whatever is pending now (operation_aborted); the stream stays open.
  void Cancel();
  // Half-close: no more bytes from us (plain only; TLS would need a write).
  void ShutdownSend();
  // Acknowledges what was read now instead of after the delayed-ACK timer
  // (TCP_QUICKACK; Linux only, else nothing). A peer whose kernel holds its
  // next small write until our ACK (Nagle's algorithm) then sends it at
  // once, not only when our next bytes carry the ACK: what it sent without
  // waiting for our reply is then here before the reply goes out.
  void AckNow();
  void Close();

  bool tls() const { return tls_.has_value(); }
  SSL* ssl() { return tls_ ? tls_->native_handle() : nullptr; }
  // The last read (connect, handshake) or write ended at its deadline.
  bool read_timed_out() const { return reads_.timed_out(); }
  bool write_timed_out() const { return writes_ && writes_->timed_out(); }
  asio::ip::tcp::socket& socket() { return socket_; }
  const asio::ip::tcp::socket& socket() const { return socket_; }

 private:
  void CancelSocket();
  Watchdog& WriteWatchdog();

  const Clock& clock_;
  asio::ip::tcp::socket socket_;
  std::optional<asio::ssl::stream<asio::ip::tcp::socket&>> tls_;
  Watchdog reads_;
  std::optional<Watchdog> writes_;  // made on the first write that has to wait
};

template <typename Token>
auto NetStream::ReadSome(asio::mutable_buffer buf, Duration timeout, Token&& token) {
  return asio::async_initiate<Token, void(asio::error_code, size_t)>(
      [this, buf, timeout](auto handler) {
        reads_.Arm(timeout);
        DeadlineHandler<decltype(handler), true> done(reads_, std::move(handler));
        if (tls_) {
          tls_->async_read_some(buf, std::move(done));
        } else {
          socket_.async_read_some(buf, std::move(done));
        }
      },
      token);
}

template <typename Token>
auto NetStream::Write(std::string_view bytes, Duration timeout, Token&& token) {
  return asio::async_initiate<Token, void(asio::error_code)>(
      [this, bytes, timeout](auto handler) {
        Watchdog& watchdog = WriteWatchdog();
        watchdog.Arm(timeout);
        DeadlineHandler<decltype(handler), false> done(watchdog, std::move(handler));
        auto buf = asio::buffer(bytes.data(), bytes.size());
        if (tls_) {
          asio::async_write(*tls_, buf, std::move(done));
        } else {
          asio::async_write(socket_, buf, std::move(done));
        }
      },
      token);
}

}  // namespace smtp
