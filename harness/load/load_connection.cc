#include "harness/load/load_connection.h"

#include "harness/runner/run_options.h"

namespace smtp {
namespace {

constexpr size_t kReplyLineLimit = 64 * 1024;

}  // namespace

LoadConnection::LoadConnection(asio::io_context& io, asio::ssl::context* tls)
    : stream_(io.get_executor()), tls_ctx_(tls), framer_(kReplyLineLimit) {}

LoadConnection::~LoadConnection() { Close(); }

Status LoadConnection::FromError(const asio::error_code& ec, const char* what) const {
  if (ec == asio::error::timed_out) return Status::Timeout(std::string(what) + " timed out");
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    return Status::Closed("connection closed by the server");
  }
  if (ec.category() == asio::error::get_ssl_category()) return Status::Tls(ec.message());
  return Status::Io(std::string(what) + ": " + ec.message());
}

void LoadConnection::Close() {
  if (closed_) return;
  closed_ = true;
  stream_.Close();
}

asio::awaitable<Status> LoadConnection::Connect(const asio::ip::tcp::endpoint& ep,
                                                bool implicit_tls, Duration timeout) {
  auto ec = co_await stream_.Connect(ep, timeout);
  if (ec) {
    broken_ = ec == asio::error::timed_out;
    co_return FromError(ec, "connect");
  }
  if (implicit_tls) co_return co_await StartTls(timeout);
  co_return Status::Ok();
}

asio::awaitable<Status> LoadConnection::Write(std::string_view bytes, Duration timeout) {
  if (broken_ || closed_) co_return Status::Io("connection is no longer usable");
  // A command almost always fits in the socket buffer: write it directly.
  // Completing through the io_context instead costs a posted handler and an
  // extra epoll_wait per command (seen in strace: 14 per session).
  asio::error_code ec = stream_.TryWrite(bytes);
  if (!ec && !bytes.empty()) std::tie(ec) = co_await stream_.Write(bytes, timeout);
  if (ec) {
    broken_ = ec == asio::error::timed_out;
    co_return FromError(ec, "write");
  }
  co_return Status::Ok();
}

asio::awaitable<Result<Reply>> LoadConnection::ReadReply(Duration timeout) {
  if (broken_ || closed_) co_return Status::Io("connection is no longer usable");
  // One deadline for the whole reply, however many reads it takes (most
  // replies take one: the clock is read only for a second).
  std::optional<Clock::time_point> deadline;
  // The caps `run` has (RunCaps): a hostile server's endless reply fails
  // the step instead of filling memory until the timeout.
  static const RunCaps kCaps;
  size_t lines = 0, bytes = 0;
  for (;;) {
    while (auto line = framer_.Next()) {
      if (line->too_long) co_return Status::Protocol("reply line too long");
      bytes += line->text.size() + 2;
      if (++lines > kCaps.reply_lines) {
        co_return Status::Protocol("reply has more than " + std::to_string(kCaps.reply_lines) +
                                   " lines (cap: reply lines per reply)");
      }
      if (bytes > kCaps.step_reply_bytes) {
        co_return Status::Protocol("reply longer than " + std::to_string(kCaps.step_reply_bytes) +
                                   " bytes in total (cap: reply bytes)");
      }
      auto r = parser_.FeedLine(line->text);
      if (!r.ok()) co_return Status::Protocol(r.status().message() + ": \"" + line->text + "\"");
      if (r->has_value()) co_return std::move(**r);
    }
    Duration wait = timeout;
    if (!deadline) {
      deadline = Clock::now() + timeout;
    } else {
      wait = std::max(Duration(0), std::chrono::duration_cast<Duration>(*deadline - Clock::now()));
    }
    auto [ec, n] = co_await stream_.ReadSome(asio::buffer(buf_), wait);
    if (ec) {
      broken_ = ec == asio::error::timed_out;
      co_return FromError(ec, "read");
    }
    framer_.Feed(std::string_view(buf_.data(), n));
  }
}

asio::awaitable<Status> LoadConnection::StartTls(Duration timeout) {
  framer_.TakeRaw();
  parser_.Reset();
  if (!tls_ctx_) co_return Status::Internal("no TLS context");
  auto ec = co_await stream_.Handshake(*tls_ctx_, asio::ssl::stream_base::client, timeout);
  broken_ = broken_ || ec == asio::error::timed_out;
  if (ec) co_return Status::Tls("TLS handshake failed: " + FromError(ec, "handshake").message());
  co_return Status::Ok();
}

asio::awaitable<Status> LoadConnection::WaitForClose(Duration timeout) {
  if (framer_.buffered() > 0) co_return Status::Protocol("more data instead of a close");
  auto [ec, n] = co_await stream_.ReadSome(asio::buffer(buf_), timeout);
  if (!ec && n > 0) co_return Status::Protocol("more data instead of a close");
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
      ec == asio::error::connection_reset) {
    co_return Status::Ok();
  }
  co_return FromError(ec, "read");
}

}  // namespace smtp
