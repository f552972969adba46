// SmtpConnection over Asio: each call runs one NetStream operation
// (harness/net/stream.h) on a private io_context until it is done. The
// stream's watchdog keeps the deadline: when it passes, the socket is
// cancelled (and a TLS connection is marked broken: a half-read record
// cannot be resumed).
#include "harness/client/smtp_connection.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>
#include <chrono>
#include <exception>
#include <optional>

#include "harness/core/line_framer.h"
#include "harness/net/stream.h"
#include "harness/net/watchdog.h"
#include "harness/util/host_port.h"

namespace smtp {
namespace {

using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Lenient limits for replies: real servers send long lines (EHLO with many
// AUTH mechanisms, long 5xx explanations), but a hostile peer must not make
// us buffer without bound.
constexpr size_t kClientReplyLineLimit = 64 * 1024;

std::string FormatEndpoint(const tcp::endpoint& ep) {
  return FormatHostPort(ep.address().to_string(), ep.port());
}

bool IsIpLiteral(const std::string& host) {
  asio::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

class AsioConnection final : public SmtpConnection {
 public:
  AsioConnection() : stream_(io_.get_executor()), framer_(kClientReplyLineLimit) {}
  ~AsioConnection() override { Close(); }

  Status DoConnect(const ConnectOptions& options);

  Status Write(std::string_view bytes, Duration timeout) override;
  Result<Reply> ReadReply(Duration timeout) override;
  Status StartTls(const TlsOptions& options, Duration timeout) override;
  Status WaitForClose(Duration timeout) override;
  void Close() override;

  bool tls_active() const override { return tls_started_; }
  std::string peer() const override { return peer_; }
  std::string local_address() const override { return local_; }
  void set_observer(Observer observer) override { observer_ = std::move(observer); }
  void set_reply_limits(size_t max_lines, size_t max_bytes) override {
    max_reply_lines_ = max_lines;
    max_reply_bytes_ = max_bytes;
  }

 private:
  // Runs `op` on the private io_context until it completes (its deadline
  // is the stream's) and returns its result.
  template <typename T>
  T Run(asio::awaitable<T> op);
  // Reads some bytes into the framer. Ok, or kTimeout/kClosed/kIo/kTls.
  Status ReadSome(Duration timeout, std::string* out);
  void Note(char dir, std::string text);
  Status Broken() const { return Status::Io("connection is no longer usable: " + broken_); }

  asio::io_context io_;
  NetStream stream_;
  std::unique_ptr<asio::ssl::context> ssl_ctx_;
  bool tls_started_ = false;
  LineFramer framer_;
  ReplyParser parser_;
  Observer observer_;
  std::string peer_;
  std::string local_;
  std::string host_;
  std::string broken_;      // why the connection cannot be used any more
  bool peer_gone_ = false;  // the server closed or reset the connection
  Clock::time_point start_ = Clock::now();
  size_t max_reply_lines_ = kDefaultReplyLines;
  size_t max_reply_bytes_ = kDefaultReplyBytes;
};

template <typename T>
T AsioConnection::Run(asio::awaitable<T> op) {
  std::optional<T> result;
  std::exception_ptr failure;
  asio::co_spawn(io_, std::move(op), [&](std::exception_ptr e, T r) {
    failure = e;
    if (!e) result = std::move(r);
    // Stop here: the watchdog's timer may still be waiting for an old
    // deadline, and the next call's run picks it up again.
    io_.stop();
  });
  io_.restart();
  io_.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

void AsioConnection::Note(char dir, std::string text) {
  if (!observer_) return;
  double t = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  observer_(TranscriptEntry{t, dir, std::move(text)});
}

Status AsioConnection::DoConnect(const ConnectOptions& options) {
  host_ = options.host;
  start_ = Clock::now();
  std::vector<tcp::endpoint> endpoints;
  asio::error_code ec;
  auto literal = asio::ip::make_address(options.host, ec);
  if (!ec) {
    endpoints.emplace_back(literal, options.port);
  } else {
    tcp::resolver resolver(io_);
    Watchdog deadline(io_.get_executor(), [&resolver] { resolver.cancel(); });
    auto resolve = [&]() -> asio::awaitable<asio::error_code> {
      deadline.Arm(options.connect_timeout);
      auto [e, results] =
          co_await resolver.async_resolve(options.host, std::to_string(options.port),
                                          asio::experimental::as_tuple(asio::use_awaitable));
      deadline.Disarm();
      for (const auto& entry : results) endpoints.push_back(entry.endpoint());
      co_return e;
    };
    asio::error_code rec = Run(resolve());
    if (deadline.timed_out()) {
      return Status::Timeout("resolving " + options.host + " took longer than " +
                             FormatDuration(options.connect_timeout));
    }
    if (rec) return Status::Io("cannot resolve " + options.host + ": " + rec.message());
  }
  std::string last_error = "no address";
  auto deadline = Clock::now() + options.connect_timeout;
  for (const auto& ep : endpoints) {
    auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    if (left <= Duration(0)) {
      return Status::Timeout("connecting to " + FormatEndpoint(ep) + " took longer than " +
                             FormatDuration(options.connect_timeout));
    }
    stream_.Close();
    asio::error_code cec = Run(stream_.Connect(ep, left));
    if (cec == asio::error::timed_out || cec == asio::error::operation_aborted) {
      stream_.Close();
      return Status::Timeout("connecting to " + FormatEndpoint(ep) + " took longer than " +
                             FormatDuration(options.connect_timeout));
    }
    if (cec) {
      last_error = "cannot connect to " + FormatEndpoint(ep) + ": " + cec.message();
      continue;
    }
    peer_ = FormatEndpoint(ep);
    asio::error_code lec;
    auto local = stream_.socket().local_endpoint(lec);
    if (!lec) local_ = local.address().to_string();
    Note('*', "connected to " + peer_);
    if (options.implicit_tls) {
      TlsOptions tls = options.tls;
      left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
      if (left < Duration(1000)) left = Duration(1000);
      return StartTls(tls, left);
    }
    return Status::Ok();
  }
  return Status::Io(last_error);
}

Status AsioConnection::Write(std::string_view bytes, Duration timeout) {
  if (!broken_.empty()) return Broken();
  // Observe before writing, so the transcript order matches the wire even
  // when the server answers before the write completes.
  size_t start = 0;
  while (start < bytes.size()) {
    size_t lf = bytes.find('\n', start);
    size_t end = lf == std::string_view::npos ? bytes.size() : lf + 1;
    std::string_view line = bytes.substr(start, end - start);
    // CRLF ends a line; a bare LF stays in the text so reports show it
    // ("\n"), as the server mode's transcript does.
    if (line.ends_with("\r\n")) line.remove_suffix(2);
    Note('C', std::string(line));
    start = end;
  }
  // Most writes fit in the socket buffer at once: only what is left goes
  // through the io_context.
  std::string_view left = bytes;
  asio::error_code ec = stream_.TryWrite(left);
  if (!ec && !left.empty()) std::tie(ec) = Run(stream_.Write(left, timeout));
  if (ec == asio::error::timed_out || ec == asio::error::operation_aborted) {
    broken_ = "a write timed out";
    return Status::Timeout("writing " + std::to_string(bytes.size()) + " bytes took longer than " +
                           FormatDuration(timeout));
  }
  if (ec) {
    broken_ = "write failed: " + ec.message();
    peer_gone_ = ec == asio::error::broken_pipe || ec == asio::error::connection_reset ||
                 ec == asio::error::eof;
    return Status::Io("write to " + peer_ + " failed: " + ec.message());
  }
  return Status::Ok();
}

Status AsioConnection::ReadSome(Duration timeout, std::string* out) {
  char buf[16384];
  auto [ec, n] = Run(stream_.ReadSome(asio::buffer(buf), timeout));
  if (ec == asio::error::timed_out || ec == asio::error::operation_aborted) {
    // A cancelled plain read loses nothing, so a later read may go on (a
    // scenario's optional step); a TLS record cut in half cannot be resumed.
    if (tls_started_) broken_ = "a read timed out inside TLS";
    return Status::Timeout("no reply within " + FormatDuration(timeout));
  }
  out->assign(buf, n);
  if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
    if (n > 0) return Status::Ok();
    broken_ = "the server closed the connection";
    peer_gone_ = true;
    return Status::Closed("the server closed the connection");
  }
  if (ec) {
    if (n > 0) return Status::Ok();
    broken_ = "read failed: " + ec.message();
    if (ec == asio::error::connection_reset) {
      peer_gone_ = true;
      return Status::Closed("the server reset the connection");
    }
    return Status::Io("read from " + peer_ + " failed: " + ec.message());
  }
  return Status::Ok();
}

Result<Reply> AsioConnection::ReadReply(Duration timeout) {
  if (!broken_.empty()) return Broken();
  auto deadline = Clock::now() + timeout;
  size_t reply_bytes = 0;
  size_t reply_lines = 0;
  while (true) {
    while (auto line = framer_.Next()) {
      if (line->too_long) {
        broken_ = "reply line too long";
        Note('S', line->text.substr(0, 200) + "...");
        return Status::Protocol("reply line longer than " + std::to_string(kClientReplyLineLimit) +
                                " bytes: " + EscapeBytes(line->text.substr(0, 80)) + "...");
      }
      reply_bytes += line->text.size() + 2;
      if (++reply_lines > max_reply_lines_) {
        broken_ = "reply has too many lines";
        parser_.Reset();
        Note('*', "reply cut off after " + std::to_string(max_reply_lines_) + " lines");
        return Status::Protocol("reply has more than " + std::to_string(max_reply_lines_) +
                                " lines (cap: reply lines per reply)");
      }
      if (reply_bytes > max_reply_bytes_) {
        broken_ = "reply too long";
        parser_.Reset();
        Note('*', "reply cut off after " + std::to_string(reply_bytes - line->text.size() - 2) +
                      " bytes");
        return Status::Protocol("reply longer than " + std::to_string(max_reply_bytes_) +
                                " bytes in total (cap: reply bytes)");
      }
      Note('S', line->text);
      auto fed = parser_.FeedLine(line->text);
      if (!fed.ok()) return fed.status();
      if (fed->has_value()) return std::move(**fed);
    }
    auto left = std::chrono::duration_cast<Duration>(deadline - Clock::now());
    if (left <= Duration(0)) {
      return Status::Timeout("no complete reply within " + FormatDuration(timeout));
    }
    std::string chunk;
    Status s = ReadSome(left, &chunk);
    if (!s.ok()) {
      if (s.IsTimeout())
        return Status::Timeout("no complete reply within " + FormatDuration(timeout));
      if (framer_.buffered() > 0) {
        return Status(s).Prefixed("incomplete reply " + EscapeBytes(framer_.TakeRaw(200)));
      }
      return s;
    }
    framer_.Feed(chunk);
  }
}

Status AsioConnection::StartTls(const TlsOptions& options, Duration timeout) {
  if (!broken_.empty()) return Broken();
  if (stream_.tls()) return Status::Tls("TLS is already active");
  // RFC 3207 §4.2: nothing received before the handshake may be trusted.
  std::string stale = framer_.TakeRaw();
  if (!stale.empty()) {
    Note('*', "discarded " + std::to_string(stale.size()) +
                  " bytes received before TLS: " + EscapeBytes(stale.substr(0, 80)));
  }
  parser_.Reset();
  std::string name = options.server_name.empty() ? host_ : options.server_name;
  ssl_ctx_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  asio::error_code ec;
  ssl_ctx_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3);
  if (options.verify) {
    ssl_ctx_->set_default_verify_paths(ec);
    if (!options.ca_file.empty()) {
      ssl_ctx_->load_verify_file(options.ca_file, ec);
      if (ec) return Status::Tls("cannot load CA file " + options.ca_file + ": " + OpenSslErrors());
    }
    ssl_ctx_->set_verify_mode(asio::ssl::verify_peer);
  } else {
    ssl_ctx_->set_verify_mode(asio::ssl::verify_none);
  }
  const bool literal = IsIpLiteral(name);
  bool name_set = true;
  auto prepare = [&](SSL* ssl) {
    if (!literal && !name.empty()) SSL_set_tlsext_host_name(ssl, name.c_str());
    if (!options.verify) return true;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = literal ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                     : X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
    name_set = ok == 1;  // no handshake without the name to verify
    return name_set;
  };
  ec = Run(stream_.Handshake(*ssl_ctx_, asio::ssl::stream_base::client, timeout, prepare));
  if (!name_set) {
    broken_ = "the name to verify could not be set";
    return Status::Tls("cannot set the name to verify: " + name);
  }
  SSL* ssl = stream_.ssl();
  if (ec == asio::error::timed_out || ec == asio::error::operation_aborted) {
    broken_ = "the TLS handshake timed out";
    return Status::Timeout("TLS handshake took longer than " + FormatDuration(timeout));
  }
  if (ec) {
    broken_ = "the TLS handshake failed";
    long verify = SSL_get_verify_result(ssl);
    if (options.verify && verify != X509_V_OK) {
      return Status::Tls("certificate verification failed for " + name + ": " +
                         X509_verify_cert_error_string(verify));
    }
    std::string detail = ec.message();
    std::string extra = OpenSslErrors();
    if (!extra.empty()) detail += " (" + extra + ")";
    return Status::Tls("TLS handshake with " + peer_ + " failed: " + detail);
  }
  tls_started_ = true;
  Note('*', std::string("TLS started: ") + SSL_get_version(ssl) + " " + SSL_get_cipher_name(ssl) +
                (options.verify ? ", certificate verified" : ", not verified"));
  return Status::Ok();
}

Status AsioConnection::WaitForClose(Duration timeout) {
  if (framer_.buffered() > 0) {
    return Status::Protocol("the server sent more bytes: " + EscapeBytes(framer_.TakeRaw(200)));
  }
  // Already seen closed (or reset): a socket read would only wait.
  if (peer_gone_) return Status::Ok();
  std::string chunk;
  Status s = ReadSome(timeout, &chunk);
  if (s.IsClosed()) {
    Note('*', "connection closed by the server");
    return Status::Ok();
  }
  if (!s.ok()) return s;
  return Status::Protocol("the server sent more bytes instead of closing: " +
                          EscapeBytes(chunk.substr(0, 200)));
}

void AsioConnection::Close() {
  asio::error_code ignored;
  if (tls_started_ && broken_.empty()) {
    // A bounded close_notify; a silent peer must not hold us up.
    auto shutdown = [this]() -> asio::awaitable<bool> {
      co_await stream_.ShutdownTls(Duration(200));
      co_return true;
    };
    Run(shutdown());
  }
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.Close();
  if (broken_.empty()) broken_ = "closed";
}

}  // namespace

Result<std::unique_ptr<SmtpConnection>> SmtpConnection::Connect(const ConnectOptions& options) {
  auto conn = std::make_unique<AsioConnection>();
  Status s = conn->DoConnect(options);
  if (!s.ok()) return s;
  return std::unique_ptr<SmtpConnection>(std::move(conn));
}

}  // namespace smtp
