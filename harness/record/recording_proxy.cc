#include "harness/record/recording_proxy.h"

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/ssl.hpp>
#include <cctype>
#include <optional>
#include <set>

#include "fake_server/tls_context.h"
#include "harness/core/line_framer.h"
#include "harness/core/reply.h"
#include "harness/core/secret_redactor.h"
#include "harness/net/stream.h"
#include "harness/record/client_stream.h"
#include "harness/util/ascii.h"
#include "harness/util/host_port.h"

namespace smtp {
namespace {

using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;  // the two pumps run together
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr size_t kRecordLineLimit = 1024 * 1024;
constexpr Duration kNoDeadline = Duration::max();  // the session's idle deadline rules

// Why a write failed; a deadline says how long it waited (the peer stopped
// reading), not "Connection timed out".
std::string WriteError(const asio::error_code& ec, const NetStream& to, Duration timeout) {
  if (to.write_timed_out()) return "it took nothing for " + FormatDuration(timeout);
  return ec.message();
}

std::string UpstreamName(const RecordOptions& o) {
  return std::string(o.upstream_implicit_tls ? "smtps://" : "smtp://") + o.upstream_host + ":" +
         std::to_string(o.upstream_port);
}

bool IsVerb(const std::string& line, const char* verb) {
  std::string up = Upper(line);
  while (!up.empty() && up.back() == ' ') up.pop_back();
  return up == verb;
}

class RelaySession {
 public:
  RelaySession(const RecordOptions& o, asio::ssl::context* server_tls,
               asio::ssl::context& client_tls, tcp::socket client)
      : opt_(o),
        server_tls_(server_tls),
        client_tls_(client_tls),
        client_(std::move(client)),
        upstream_(client_.socket().get_executor()),
        upgrade_event_(client_.socket().get_executor(), Clock::time_point::max()),
        idle_(client_.socket().get_executor(),
              [this] {
                client_.Cancel();
                upstream_.Cancel();
              }),
        c_stream_(kRecordLineLimit),
        s_lines_(kRecordLineLimit),
        start_(Clock::now()) {}

  asio::awaitable<Transcript> Run();
  // Ends the session now: a last note says why, both connections close and
  // Run returns what was recorded so far.
  void Interrupt(const std::string& why) {
    if (interrupted_) return;
    Note('*', kRecordingInterruptedNote + why +
                  "; both connections were closed here, the rest of the session was not "
                  "recorded");
    interrupted_ = true;
    client_.Close();
    upstream_.Close();
  }

 private:
  void Note(char dir, std::string text) {
    if (interrupted_) return;  // the interruption note stays the last entry
    if (dir != '*') {
      if (!recording_) return;
      recorded_bytes_ += text.size();
      if (recorded_bytes_ > opt_.max_recorded_bytes) {
        // A flood (an endless reply, a huge message) is relayed, not kept.
        recording_ = false;
        dir = '*';
        text = "recording stopped: the session passed " + std::to_string(opt_.max_recorded_bytes) +
               " bytes (cap: recorded bytes per session); the rest was relayed without recording";
      }
    }
    transcript_.push_back({std::chrono::duration<double, std::milli>(Clock::now() - start_).count(),
                           dir, std::move(text)});
  }
  asio::awaitable<void> PumpClient();
  asio::awaitable<void> PumpServer();
  // Bytes moved (either way): the session is not idle for another --timeout.
  // While a write waits, its own deadline decides (the peer stopped reading).
  void Active() {
    if (writing_ == 0) idle_.Arm(opt_.timeout);
  }
  asio::awaitable<asio::error_code> Relay(NetStream& to, std::string_view bytes) {
    ++writing_;
    idle_.Arm(kNoDeadline);
    auto [ec] = co_await to.Write(bytes, opt_.timeout);
    --writing_;
    Active();
    co_return ec;
  }
  // A pump's read ended: if by the idle deadline, says so (once).
  void NoteIfIdle() {
    if (!idle_.timed_out() || idle_noted_) return;
    idle_noted_ = true;
    Note('*', "no bytes either way for " + FormatDuration(opt_.timeout) + "; closing");
  }
  asio::awaitable<void> OnStartTlsReply();
  void SignalUpgrade() {
    upgrade_signalled_ = true;
    upgrade_event_.cancel();
  }

  const RecordOptions& opt_;
  asio::ssl::context* server_tls_;
  asio::ssl::context& client_tls_;
  NetStream client_, upstream_;
  asio::steady_timer upgrade_event_;
  // The session is idle when no byte moved either way for --timeout: one
  // side is silent while the other talks (the server during a long DATA),
  // so a pump's read has no deadline of its own. Writes keep theirs (a peer
  // that stops reading), and so do connect and the handshakes.
  Watchdog idle_;
  int writing_ = 0;  // writes waiting for their peer to read
  bool idle_noted_ = false;
  bool upgrade_signalled_ = false;
  bool starttls_sent_ = false;
  bool recording_ = true;
  size_t recorded_bytes_ = 0;
  bool interrupted_ = false;
  ClientStream c_stream_;
  LineFramer s_lines_;
  ReplyParser parser_;
  SecretRedactor secrets_;
  Transcript transcript_;
  Clock::time_point start_;
};

asio::awaitable<Transcript> RelaySession::Run() {
  tcp::endpoint ep(asio::ip::make_address(opt_.upstream_host), opt_.upstream_port);
  asio::error_code ec = co_await upstream_.Connect(ep, opt_.timeout);
  std::string why;
  if (ec) {
    why = ec == asio::error::timed_out ? "no answer within " + FormatDuration(opt_.timeout)
                                       : "connect: " + ec.message();
  } else if (opt_.upstream_implicit_tls) {
    ec = co_await upstream_.Handshake(client_tls_, asio::ssl::stream_base::client, opt_.timeout);
    if (ec) why = "TLS handshake: " + ec.message();
  }
  if (ec) {
    // The client is told in SMTP, not by a silent close (RFC 5321 §3.8: 421
    // when the service is not available), and the session is not a
    // recording: the note says so to the writer.
    std::string upstream = UpstreamName(opt_);
    Note('*', kUpstreamUnreachableNote + upstream + ": " + why);
    const std::string reply = "421 4.4.0 smtp-harness record: cannot reach the upstream server " +
                              upstream + ": " + why + "\r\n";
    (void)co_await client_.Write(reply, opt_.timeout);  // the close follows either way
    client_.Close();
    co_return transcript_;
  }
  Active();
  co_await (PumpClient() && PumpServer());
  idle_.Stop();
  client_.Close();
  upstream_.Close();
  co_return transcript_;
}

asio::awaitable<void> RelaySession::PumpClient() {
  std::array<char, 16 * 1024> buf;
  for (;;) {
    auto [ec, n] = co_await client_.ReadSome(asio::buffer(buf), kNoDeadline);
    if (ec) {
      NoteIfIdle();
      upstream_.ShutdownSend();
      co_return;
    }
    Active();
    std::string_view chunk(buf.data(), n);
    if (auto wec = co_await Relay(upstream_, chunk)) {
      Note('*', "cannot write to the upstream server: " + WriteError(wec, upstream_, opt_.timeout));
      client_.Close();
      co_return;
    }
    if (!recording_) continue;
    c_stream_.Feed(chunk);
    bool wait_for_upgrade = false;
    while (auto item = c_stream_.Next()) {
      if (item->kind == ClientItem::Kind::kChunk) {
        Note('B', std::move(item->text));
        continue;
      }
      // An AUTH exchange's credentials never enter the transcript, so no
      // file, log or report made from it can hold them.
      Note('C', secrets_.Client(item->text));
      if (item->kind == ClientItem::Kind::kDataLine) continue;
      if (IsVerb(item->text, "STARTTLS") && !client_.tls()) {
        starttls_sent_ = true;
        wait_for_upgrade = opt_.tls_intercept;
      }
    }
    if (wait_for_upgrade) {
      // RFC 3207: the client waits for the 220 and sends nothing more in
      // plaintext; so does this pump, until the other one has upgraded.
      if (!upgrade_signalled_) co_await upgrade_event_.async_wait(kTuple);
      upgrade_signalled_ = false;
      upgrade_event_.expires_at(Clock::time_point::max());
      if (!client_.tls() && starttls_sent_) co_return;  // the upgrade failed: the session is over
    }
  }
}

// --tls-intercept: the server said 220 to STARTTLS, and the 220 has been
// relayed to the client; TLS starts with both.
asio::awaitable<void> RelaySession::OnStartTlsReply() {
  auto ec = co_await upstream_.Handshake(client_tls_, asio::ssl::stream_base::client, opt_.timeout);
  if (ec) {
    Note('*', "TLS handshake with the upstream server failed: " + ec.message());
  } else {
    ec = co_await client_.Handshake(*server_tls_, asio::ssl::stream_base::server, opt_.timeout);
    if (ec) Note('*', "TLS handshake with the client failed: " + ec.message());
  }
  if (ec) {
    starttls_sent_ = true;  // tells the client pump to stop
    client_.Close();
    upstream_.Close();
  } else {
    Note('*', std::string(kTlsInterceptedNote) + "recording the decrypted session");
  }
  c_stream_.DiscardBuffered();
  s_lines_.TakeRaw();
  SignalUpgrade();
}

asio::awaitable<void> RelaySession::PumpServer() {
  std::array<char, 16 * 1024> buf;
  for (;;) {
    auto [ec, n] = co_await upstream_.ReadSome(asio::buffer(buf), kNoDeadline);
    if (ec) {
      NoteIfIdle();
      client_.ShutdownSend();
      if (!upgrade_signalled_) {
        starttls_sent_ = true;
        SignalUpgrade();
      }
      co_return;
    }
    Active();
    std::string_view chunk(buf.data(), n);
    // The replies are followed before the client sees them, so the client
    // stream knows a 354 before the message lines it lets through.
    bool starttls_accepted = false;
    if (recording_) {
      s_lines_.Feed(chunk);
      while (auto line = s_lines_.Next()) {
        Note('S', line->text);
        secrets_.Server(line->text);
        auto reply = parser_.FeedLine(line->text);
        if (!reply.ok() || !reply->has_value()) continue;
        c_stream_.OnReply((**reply).code);
        if (!starttls_sent_) continue;
        starttls_sent_ = false;
        if ((**reply).code == 220) {
          if (opt_.tls_intercept) {
            starttls_accepted = true;
          } else {
            Note('*',
                 "recording stopped at STARTTLS: the rest of the session is encrypted and was "
                 "relayed without recording (use --tls-intercept to record it)");
            recording_ = false;
          }
          break;
        }
        if (opt_.tls_intercept) SignalUpgrade();  // refused: the client pump goes on
      }
    }
    if (auto wec = co_await Relay(client_, chunk)) {
      Note('*', "cannot write to the client: " + WriteError(wec, client_, opt_.timeout));
      upstream_.Close();
      co_return;
    }
    if (starttls_accepted) {
      idle_.Arm(kNoDeadline);  // the handshakes have their own deadlines
      co_await OnStartTlsReply();
      Active();
    }
  }
}

}  // namespace

class RecordingProxy::Impl {
 public:
  explicit Impl(RecordOptions o)
      : opt(std::move(o)), acceptor(io), client_tls(asio::ssl::context::tls_client) {
    client_tls.set_verify_mode(asio::ssl::verify_none);
  }

  asio::awaitable<void> Accept(const std::function<Status(int, const Transcript&)>& on_session) {
    for (int i = 0; i < opt.sessions; ++i) {
      auto [ec, sock] = co_await acceptor.async_accept(kTuple);
      if (ec) {
        if (ec != asio::error::operation_aborted)
          failure = Status::Io("accept failed: " + ec.message());
        co_return;
      }
      ++started;
      asio::co_spawn(
          io,
          [this, &on_session, n = i + 1, s = std::move(sock)]() mutable -> asio::awaitable<void> {
            RelaySession session(opt, server_tls.get(), client_tls, std::move(s));
            active.insert(&session);
            Transcript t = co_await session.Run();
            active.erase(&session);
            Status st = on_session(n, t);
            if (!st.ok() && failure.ok()) failure = st;
            if (++finished == opt.sessions || !st.ok() || (interrupted && active.empty()))
              io.stop();
          },
          [](std::exception_ptr e) {
            if (e) std::rethrow_exception(e);
          });
    }
    asio::error_code ignored;
    acceptor.close(ignored);
  }

  // Runs on the io_context: no more clients; open sessions end now and are
  // handed to on_session with what they recorded.
  void Interrupt(const std::string& why) {
    if (interrupted) return;
    interrupted = true;
    asio::error_code ignored;
    acceptor.close(ignored);
    if (active.empty()) {
      io.stop();
      return;
    }
    for (RelaySession* s : std::set<RelaySession*>(active)) s->Interrupt(why);
  }

  RecordOptions opt;
  asio::io_context io;
  tcp::acceptor acceptor;
  asio::ssl::context client_tls;
  std::shared_ptr<asio::ssl::context> server_tls;
  Status failure;
  int started = 0;
  int finished = 0;
  std::set<RelaySession*> active;  // sessions still relaying (their frames own them)
  bool interrupted = false;
};

RecordingProxy::RecordingProxy(RecordOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
RecordingProxy::~RecordingProxy() = default;

Result<uint16_t> RecordingProxy::Bind() {
  auto& o = impl_->opt;
  asio::error_code ec;
  auto addr = asio::ip::make_address(o.listen_host, ec);
  if (ec) return Status::InvalidArgument("invalid --listen address '" + o.listen_host + "'");
  asio::ip::make_address(o.upstream_host, ec);
  if (ec)
    return Status::InvalidArgument("invalid --upstream host '" + o.upstream_host +
                                   "': use an IP address");
  if (o.tls_intercept) {
    FakeServerConfig::Tls tls;
    tls.cert_file = o.tls_cert_file;
    tls.key_file = o.tls_key_file;
    auto ctx = MakeServerTlsContext(tls, "smtp-harness-record.test");
    if (!ctx.ok()) return ctx.status();
    impl_->server_tls = *ctx;
  }
  tcp::endpoint ep(addr, o.listen_port);
  auto& acc = impl_->acceptor;
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::Io("cannot listen on " + FormatHostPort(o.listen_host, o.listen_port) + ": " +
                      ec.message());
  return acc.local_endpoint().port();
}

Status RecordingProxy::Serve(const std::function<Status(int, const Transcript&)>& on_session) {
  asio::co_spawn(impl_->io, impl_->Accept(on_session), [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  try {
    impl_->io.run();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("record: ") + e.what());
  }
  return impl_->failure;
}

void RecordingProxy::Stop() { impl_->io.stop(); }

void RecordingProxy::Interrupt(const std::string& why) {
  asio::post(impl_->io, [impl = impl_.get(), why] { impl->Interrupt(why); });
}

bool RecordingProxy::Interrupted() const { return impl_->interrupted; }

int RecordingProxy::SessionsStarted() const { return impl_->started; }

}  // namespace smtp
