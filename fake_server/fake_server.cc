// The network side of the fake server: one coroutine per connection on a
// single-threaded io_context; every read, write and handshake has a deadline
// (harness/net/stream.h).
#include "fake_server/fake_server.h"

#include <algorithm>
#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "fake_server/rfc_session_logic.h"
#include "fake_server/tls_context.h"
#include "harness/core/fault_rules.h"
#include "harness/core/secret_redactor.h"
#include "harness/net/stream.h"
#include "harness/util/host_port.h"

namespace smtp {
namespace {

using asio::awaitable;
using asio::ip::tcp;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr Duration kNoTimeout = std::chrono::hours(24 * 365);
constexpr Duration kStopGrace = std::chrono::seconds(2);
constexpr size_t kReadBuffer = 4096;
constexpr Duration kRefuseHandshake = std::chrono::seconds(5);

Duration OrForever(Duration d) { return d.count() > 0 ? d : kNoTimeout; }

// A TLS handshake is the client's turn like a command line: bytes dripped
// into it do not extend it past the command deadline (or the idle timeout).
Duration HandshakeDeadline(const FakeServerConfig& c) {
  return std::min(OrForever(c.idle_timeout), OrForever(c.command_timeout));
}

std::string PeerName(const tcp::socket& s) {
  asio::error_code ec;
  auto ep = s.remote_endpoint(ec);
  if (ec) return "?";
  return FormatHostPort(ep.address().to_string(), ep.port());
}

// The per-client count's key: the address itself, not its text (inet_ntop
// cost 1,700 instructions per connection).
asio::ip::address ClientAddress(const tcp::socket& s) {
  asio::error_code ec;
  auto ep = s.remote_endpoint(ec);
  return ec ? asio::ip::address() : ep.address();
}

// 0 in the config: half of max_sessions (as Postfix's per-client limit is
// half of its process limit), so one address never holds every slot.
size_t PerClientLimit(const FakeServerConfig& c) {
  if (c.max_sessions_per_client > 0) return c.max_sessions_per_client;
  return c.max_sessions > 1 ? c.max_sessions / 2 : c.max_sessions;
}

// One accepted connection: its stream (plain, TLS once started) and the
// timer of the logic's pauses.
struct Conn {
  explicit Conn(tcp::socket s) : stream(std::move(s)), pause(stream.socket().get_executor()) {}
  void Abort() {
    stream.Cancel();
    pause.cancel();
  }

  NetStream stream;
  asio::steady_timer pause;
  bool stopping = false;
  // When the client's turn began: the connection, or the server's last
  // reply. Bytes do not move it, so a client dripping a line byte by byte
  // still meets the command (or data) deadline.
  std::chrono::steady_clock::time_point turn_start = std::chrono::steady_clock::now();
  asio::ip::address client_address;  // for the per-client session count
};

// Splits what goes over the wire into transcript lines; a line that arrives
// in pieces becomes one entry when its LF comes (or at the end). Only the
// first kRecordedLineBytes of a line are kept: a peer's endless line (the
// session itself drops it past the SMTP limit) must not fill memory or the
// log; a note says how much was left out.
class LineRecorder {
 public:
  static constexpr size_t kRecordedLineBytes = 8192;

  template <typename Emit>
  void Add(std::string_view bytes, Emit&& emit) {
    size_t start = 0;
    while (start < bytes.size()) {
      size_t lf = bytes.find('\n', start);
      if (lf == std::string_view::npos) {
        Take(bytes.substr(start));
        return;
      }
      Take(bytes.substr(start, lf - start));
      bool crlf = last_cr_;
      if (crlf && dropped_ == 0) pending_.pop_back();
      if (crlf && dropped_ > 0) --dropped_;  // the CR was dropped, not text
      Note();
      if (!crlf) pending_ += '\n';  // a bare LF stays visible in the transcript
      emit(std::move(pending_));
      Reset();
      start = lf + 1;
    }
  }
  template <typename Emit>
  void Flush(Emit&& emit) {
    Note();
    if (!pending_.empty()) emit(std::move(pending_));
    Reset();
  }

 private:
  void Take(std::string_view part) {
    if (part.empty()) return;
    last_cr_ = part.back() == '\r';
    size_t room = kRecordedLineBytes - std::min(kRecordedLineBytes, pending_.size());
    size_t keep = std::min(room, part.size());
    pending_.append(part.substr(0, keep));
    dropped_ += part.size() - keep;
  }
  void Note() {
    if (dropped_ > 0) pending_ += " ... [" + std::to_string(dropped_) + " more bytes not recorded]";
  }
  void Reset() {
    pending_.clear();
    dropped_ = 0;
    last_cr_ = false;
  }

  std::string pending_;
  size_t dropped_ = 0;    // bytes of this line past kRecordedLineBytes
  bool last_cr_ = false;  // the line's last byte so far was a CR
};

}  // namespace

class FakeServer::Impl {
 public:
  Impl(FakeServerConfig config, SessionLogicFactory factory)
      : config_(std::move(config)), factory_(std::move(factory)) {}

  Result<uint16_t> Start();
  void Stop();

  FakeServerConfig config_;
  SessionLogicFactory factory_;
  std::shared_ptr<RuleBook> rules_;
  std::shared_ptr<asio::ssl::context> ssl_;
  std::function<Status(const ReceivedMessage&)> message_sink_;
  std::function<void(int, const TranscriptEntry&)> transcript_sink_;

  // One thread runs it. Other threads only post to it (Stop), which keeps
  // the scheduler's lock; the reactor's per-socket locking is not needed.
  asio::io_context io_{ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::thread thread_;
  bool running_ = false;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Conn>> conns_;           // io thread only
  std::map<asio::ip::address, size_t> per_client_;  // io thread only: open sessions per address
  bool stopping_ = false;                           // io thread only

  mutable std::mutex mu_;
  std::vector<ReceivedMessage> messages_;
  std::vector<Transcript> transcripts_;
  std::atomic<int> started_{0};
  std::atomic<int> active_{0};
  std::atomic<int> accepted_{0};

 private:
  awaitable<void> Accept();
  awaitable<void> Refuse(tcp::socket socket, std::string reply);
  awaitable<void> Session(std::shared_ptr<Conn> conn, int id);
  awaitable<bool> Perform(Conn& conn, SessionLogic& logic, SessionActions actions, int id,
                          std::chrono::steady_clock::time_point t0, LineRecorder& out,
                          SecretRedactor& secrets);
  awaitable<bool> Write(Conn& conn, std::string_view bytes);
  // The server side of a TLS handshake (implicit TLS, STARTTLS, a refusal).
  awaitable<bool> StartTls(Conn& conn, Duration timeout);
  Status Store(const ReceivedMessage& m);
  void Record(int id, std::chrono::steady_clock::time_point t0, char dir, std::string text);
};

Result<uint16_t> FakeServer::Impl::Start() {
  if (!factory_) {
    auto rules = RuleBook::Create(config_.rules);
    if (!rules.ok()) return rules.status();
    rules_ = *rules;
    factory_ = RfcSessionLogicFactory(config_, rules_);
  }
  if (config_.tls.starttls || config_.tls.implicit) {
    auto ctx = MakeServerTlsContext(config_.tls, config_.hostname);
    if (!ctx.ok()) return ctx.status();
    ssl_ = *ctx;
  }
  std::string where = FormatHostPort(config_.listen_host, config_.port);
  asio::error_code ec;
  auto address = asio::ip::make_address(config_.listen_host, ec);
  if (ec) return Status::InvalidArgument("cannot listen on " + where + ": not an IP address");
  tcp::endpoint endpoint(address, config_.port);
  acceptor_ = std::make_unique<tcp::acceptor>(io_);
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Io("cannot bind " + where + ": " + ec.message());
  port_ = acceptor_->local_endpoint().port();
  io_.restart();  // a server may be started again after Stop()
  stopping_ = false;
  asio::co_spawn(io_, Accept(), asio::detached);
  running_ = true;
  thread_ = std::thread([this] { io_.run(); });
  return port_;
}

void FakeServer::Impl::Stop() {
  if (!running_) return;
  asio::post(io_, [this] {
    stopping_ = true;
    asio::error_code ec;
    acceptor_->close(ec);
    for (auto& c : conns_) {
      c->stopping = true;
      c->Abort();
    }
    // Sessions get a moment to say 421 and close; then everything stops.
    auto grace = std::make_shared<asio::steady_timer>(io_, kStopGrace);
    grace->async_wait([this, grace](asio::error_code) { io_.stop(); });
    if (conns_.empty()) io_.stop();
  });
  thread_.join();
  running_ = false;
  // Sessions that did not finish within the grace period: cut them off.
  for (auto& c : conns_) c->stream.Close();
  conns_.clear();
  per_client_.clear();
}

awaitable<void> FakeServer::Impl::Accept() {
  while (!stopping_) {
    auto [ec, socket] = co_await acceptor_->async_accept(kTuple);
    if (ec == asio::error::operation_aborted || stopping_) co_return;
    if (ec) {
      // Out of descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer t(io_, std::chrono::milliseconds(20));
      co_await t.async_wait(kTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (config_.max_sessions > 0 && active_.load() >= static_cast<int>(config_.max_sessions)) {
      asio::co_spawn(io_,
                     Refuse(std::move(socket), "421 4.3.2 Too many connections, try again later"),
                     asio::detached);
      continue;
    }
    asio::ip::address address = ClientAddress(socket);
    size_t per_client_limit = PerClientLimit(config_);
    if (per_client_limit > 0 && per_client_[address] >= per_client_limit) {
      asio::co_spawn(io_,
                     Refuse(std::move(socket), "421 4.7.0 Too many connections from " +
                                                   address.to_string() + ", try again later"),
                     asio::detached);
      continue;
    }
    ++per_client_[address];
    int id = ++started_;
    ++active_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (config_.keep_transcripts) transcripts_.emplace_back();
    }
    auto conn = std::make_shared<Conn>(std::move(socket));
    conn->client_address = address;
    conns_.insert(conn);
    asio::co_spawn(io_, Session(conn, id), [this, conn, id](std::exception_ptr e) {
      if (e) {
        // A logic that throws ends its session, not the server.
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          what = ex.what();
        } catch (...) {
        }
        Record(id, std::chrono::steady_clock::now(), '*', "session failed: " + what);
        conn->stream.Close();
      }
      conns_.erase(conn);
      if (auto it = per_client_.find(conn->client_address);
          it != per_client_.end() && --it->second == 0) {
        per_client_.erase(it);
      }
      --active_;
      if (stopping_ && conns_.empty()) io_.stop();
    });
  }
}

awaitable<void> FakeServer::Impl::Refuse(tcp::socket socket, std::string reply) {
  Conn conn(std::move(socket));
  // A TLS client can only read the 421 over TLS.
  if (config_.tls.implicit && !co_await StartTls(conn, kRefuseHandshake)) co_return;
  co_await Write(conn, reply + "\r\n");
  conn.stream.ShutdownSend();
  conn.stream.Close();
}

void FakeServer::Impl::Record(int id, std::chrono::steady_clock::time_point t0, char dir,
                              std::string text) {
  if (!transcript_sink_ && !config_.keep_transcripts) return;
  TranscriptEntry e;
  e.t_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  e.dir = dir;
  e.text = std::move(text);
  if (transcript_sink_) transcript_sink_(id, e);
  if (!config_.keep_transcripts) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (id - 1 < static_cast<int>(transcripts_.size())) transcripts_[id - 1].push_back(std::move(e));
}

Status FakeServer::Impl::Store(const ReceivedMessage& m) {
  if (message_sink_) {
    if (auto s = message_sink_(m); !s.ok()) return s;
  }
  ++accepted_;
  if (config_.keep_messages) {
    std::lock_guard<std::mutex> lock(mu_);
    messages_.push_back(m);
  }
  return Status::Ok();
}

awaitable<bool> FakeServer::Impl::Write(Conn& conn, std::string_view bytes) {
  // Replies are small and almost always fit in the socket buffer: try a
  // direct write first and arm the deadline only for what is left (a
  // profile showed the timer and its epoll cycles dominating).
  asio::error_code ec = conn.stream.TryWrite(bytes);
  if (!ec && !bytes.empty())
    std::tie(ec) = co_await conn.stream.Write(bytes, OrForever(config_.write_timeout));
  if (ec) co_return false;
  conn.turn_start = std::chrono::steady_clock::now();
  co_return true;
}

awaitable<bool> FakeServer::Impl::StartTls(Conn& conn, Duration timeout) {
  if (!ssl_ || conn.stream.tls()) co_return false;
  co_return !co_await conn.stream.Handshake(*ssl_, asio::ssl::stream_base::server, timeout);
}

awaitable<bool> FakeServer::Impl::Perform(Conn& conn, SessionLogic& logic, SessionActions actions,
                                          int id, std::chrono::steady_clock::time_point t0,
                                          LineRecorder& out, SecretRedactor& secrets) {
  auto record = [&](std::string line) {
    secrets.Server(line);
    Record(id, t0, 'S', std::move(line));
  };
  for (size_t i = 0; i < actions.size(); ++i) {
    SessionAction& a = actions[i];
    switch (a.kind) {
      case SessionAction::Kind::kWrite: {
        // Consecutive writes (pipelined replies) go out as one.
        std::string bytes = std::move(a.bytes);
        while (i + 1 < actions.size() && actions[i + 1].kind == SessionAction::Kind::kWrite) {
          bytes += actions[++i].bytes;
        }
        if (config_.keep_transcripts || transcript_sink_) out.Add(bytes, record);
        if (!co_await Write(conn, bytes)) {
          out.Flush(record);
          Record(id, t0, '*',
                 conn.stream.write_timed_out()
                     ? "write timed out after " + FormatDuration(config_.write_timeout)
                     : std::string("write failed"));
          co_return false;
        }
        break;
      }
      case SessionAction::Kind::kPause: {
        if (conn.stopping) co_return false;
        // Seen: AUTH LOGIN's answers 5 ms apart over TLS arrived only
        // after the 334 they did not wait for (Nagle held each until the
        // 334 carried our ACK).
        if (a.ack_first) conn.stream.AckNow();
        conn.pause.expires_after(a.pause);
        co_await conn.pause.async_wait(kTuple);
        if (conn.stopping) co_return false;
        break;
      }
      case SessionAction::Kind::kPeek: {
        // Bytes in the socket buffer (and, on TLS, decrypted ones not yet
        // read, and records a read took from the socket with the last one
        // but OpenSSL has not decrypted yet, in the read BIO): what the
        // client sent while we had not finished writing. Without the BIO,
        // AUTH LOGIN's password, sent with the user name, was not seen.
        asio::error_code ec;
        size_t waiting = conn.stream.socket().available(ec);
        if (ec) waiting = 0;
        if (SSL* ssl = conn.stream.ssl()) {
          waiting += static_cast<size_t>(SSL_pending(ssl));
          if (BIO* in = SSL_get_rbio(ssl)) waiting += BIO_ctrl_pending(in);
        }
        logic.OnPeek(a.bytes, waiting);
        break;
      }
      case SessionAction::Kind::kClose:
        out.Flush(record);
        co_return false;
      case SessionAction::Kind::kStartTls: {
        out.Flush(record);
        if (!ssl_ || conn.stream.tls()) {
          Record(id, t0, '*', "STARTTLS requested but TLS is not configured");
          co_return false;
        }
        if (!co_await StartTls(conn, HandshakeDeadline(config_))) {
          Record(id, t0, '*', "TLS handshake failed");
          co_return false;
        }
        Record(id, t0, '*', "TLS started");
        logic.OnTlsStarted();
        break;
      }
    }
  }
  co_return true;
}

awaitable<void> FakeServer::Impl::Session(std::shared_ptr<Conn> conn, int id) {
  auto t0 = std::chrono::steady_clock::now();
  SessionContext ctx;
  ctx.session = id;
  ctx.peer = PeerName(conn->stream.socket());
  ctx.tls = config_.tls.implicit;
  ctx.store = [this](const ReceivedMessage& m) { return Store(m); };
  Record(id, t0, '*', "connection from " + ctx.peer);
  LineRecorder in, out;
  const bool recording = config_.keep_transcripts || transcript_sink_;
  SecretRedactor secrets;  // AUTH secrets never reach transcripts (SPEC §7)
  SessionEnd end = SessionEnd::kClientClosed;
  SessionEnd turn_end = SessionEnd::kIdleTimeout;  // which deadline bounds the pending read
  bool open = true;

  if (config_.tls.implicit) {
    if (!co_await StartTls(*conn, HandshakeDeadline(config_))) {
      Record(id, t0, '*', "TLS handshake failed");
      open = false;
    } else {
      Record(id, t0, '*', "TLS started");
    }
  }
  std::unique_ptr<SessionLogic> logic = factory_(ctx);
  if (!logic) throw std::runtime_error("the session logic factory returned nothing");
  if (open) open = co_await Perform(*conn, *logic, logic->OnConnect(), id, t0, out, secrets);

  std::vector<char> buf(kReadBuffer);
  unsigned sync_reads = 0;
  bool more_waiting = false;  // the last read filled the buffer: more is likely there
  while (open) {
    if (conn->stopping) {  // Stop() came while no read was pending
      end = SessionEnd::kServerStopping;
      break;
    }
    asio::error_code ec;
    size_t n = 0;
    bool ready = false;
    // A read that filled the buffer left more behind: take it at once,
    // without arming the deadline. Otherwise the client is most likely
    // waiting for our reply (lock-step SMTP), and a read now would only say
    // EAGAIN. (Asio's async read still tries one receive before it waits.
    // Waiting with async_wait(wait_read) instead costs an epoll_ctl and an
    // extra epoll_wait per read, worse than that one failed receive:
    // measured with perf stat on `load`.) Every few reads go
    // through the io_context anyway, so a client that floods cannot keep the
    // (single) thread from the other sessions.
    if (more_waiting && ++sync_reads % 16 != 0) {
      std::tie(ec, n) = conn->stream.TryReadSome(asio::buffer(buf));
      ready = ec != asio::error::would_block;
    }
    bool turn_deadline = false;  // the read is bounded by the command/data deadline
    if (!ready) {
      std::optional<Duration> wait = logic->ReadTimeout();
      Duration limit = OrForever(wait ? *wait : config_.idle_timeout);
      if (!wait) {
        // The whole command line (or message) must come within its deadline
        // from the start of the client's turn, however the bytes trickle in.
        bool in_message = logic->InMessage();
        Duration turn = in_message ? config_.data_timeout : config_.command_timeout;
        if (turn.count() > 0) {
          auto left = std::chrono::duration_cast<Duration>(conn->turn_start + turn -
                                                           std::chrono::steady_clock::now());
          if (left <= limit) {
            turn_deadline = true;
            turn_end = in_message ? SessionEnd::kDataTimeout : SessionEnd::kCommandTimeout;
            if (left.count() <= 0) {  // a client that kept the bytes coming, but too slowly
              end = turn_end;
              break;
            }
            limit = left;
          }
        }
      }
      std::tie(ec, n) = co_await conn->stream.ReadSome(asio::buffer(buf), limit);
    }
    if (ec == asio::error::timed_out) {
      end = conn->stopping  ? SessionEnd::kServerStopping
            : turn_deadline ? turn_end
                            : SessionEnd::kIdleTimeout;
      break;
    }
    if (ec) {
      end = conn->stopping ? SessionEnd::kServerStopping : SessionEnd::kClientClosed;
      break;
    }
    more_waiting = n == buf.size();
    std::string_view bytes(buf.data(), n);
    if (recording) {
      in.Add(bytes, [&](std::string line) { Record(id, t0, 'C', secrets.Client(line)); });
    }
    open = co_await Perform(*conn, *logic, logic->OnBytes(bytes), id, t0, out, secrets);
    if (!open) end = SessionEnd::kClosedByServer;
  }
  in.Flush([&](std::string line) { Record(id, t0, 'C', secrets.Client(line)); });
  if (open) {
    // Say goodbye if the logic wants to (421 on timeout or shutdown).
    bool can_write = end != SessionEnd::kClientClosed;
    SessionActions bye = logic->OnEnd(end);
    if (can_write && !bye.empty()) {
      conn->stopping = false;  // let the farewell be written
      co_await Perform(*conn, *logic, std::move(bye), id, t0, out, secrets);
    }
  } else {
    logic->OnEnd(end);
  }
  out.Flush([&](std::string line) { Record(id, t0, 'S', std::move(line)); });
  Record(id, t0, '*', "connection closed (" + std::string(SessionEndName(end)) + ")");
  conn->stream.Close();
}

FakeServer::FakeServer(FakeServerConfig config)
    : impl_(std::make_unique<Impl>(std::move(config), nullptr)) {}
FakeServer::FakeServer(FakeServerConfig config, SessionLogicFactory logic)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(logic))) {}
FakeServer::~FakeServer() { Stop(); }

Result<uint16_t> FakeServer::Start() {
  if (impl_->running_) return Status::Internal("fake server already started");
  return impl_->Start();
}
void FakeServer::Stop() { impl_->Stop(); }
uint16_t FakeServer::port() const { return impl_->port_; }

std::vector<ReceivedMessage> FakeServer::Messages() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->messages_;
}
std::vector<Transcript> FakeServer::Transcripts() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->transcripts_;
}
int FakeServer::SessionsStarted() const { return impl_->started_; }
int FakeServer::SessionsActive() const { return impl_->active_; }
int FakeServer::MessagesAccepted() const { return impl_->accepted_; }
void FakeServer::SetMessageSink(std::function<Status(const ReceivedMessage&)> sink) {
  impl_->message_sink_ = std::move(sink);
}
void FakeServer::SetTranscriptSink(std::function<void(int, const TranscriptEntry&)> sink) {
  impl_->transcript_sink_ = std::move(sink);
}

}  // namespace smtp
