#include "fake_server/fake_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/tcp_client.h"

namespace smtp {
namespace {

using smtp::testing::TcpClient;
using namespace std::chrono_literals;

class FakeServerTest : public ::testing::Test {
 protected:
  void Start() {
    server_ = std::make_unique<FakeServer>(config_);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
  }
  std::unique_ptr<TcpClient> Connect(bool expect_greeting = true) {
    auto c = std::make_unique<TcpClient>(port_);
    EXPECT_TRUE(c->ok());
    if (expect_greeting) {
      EXPECT_EQ(c->ReadReply(), "220 fake.smtp-harness.test ESMTP smtp-harness\r\n");
    }
    return c;
  }
  // A whole transaction; returns the reply to the final dot.
  static std::string SendMessage(TcpClient& c, const std::string& body) {
    if (c.Command("EHLO 127.0.0.1").substr(0, 4) != "250-") return "EHLO failed";
    if (c.Command("MAIL FROM:<a@example.test>").substr(0, 3) != "250") return "MAIL failed";
    if (c.Command("RCPT TO:<b@example.test>").substr(0, 3) != "250") return "RCPT failed";
    if (c.Command("DATA").substr(0, 3) != "354") return "DATA failed";
    c.Send(body + ".\r\n");
    return c.ReadReply();
  }
  bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds timeout = 3s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (cond()) return true;
      std::this_thread::sleep_for(5ms);
    }
    return cond();
  }

  FakeServerConfig config_;
  std::unique_ptr<FakeServer> server_;
  uint16_t port_ = 0;
};

TEST_F(FakeServerTest, AcceptsAndStoresMessage) {
  Start();
  EXPECT_NE(port_, 0);
  auto c = Connect();
  EXPECT_EQ(SendMessage(*c, "Subject: t\r\n\r\n..leading dot\r\n\xc3\xa9\r\n"),
            "250 2.0.0 Ok: queued as 1.1\r\n");
  EXPECT_EQ(c->Command("QUIT"), "221 2.0.0 fake.smtp-harness.test closing connection\r\n");
  bool closed = false;
  c->ReadAll(&closed, 2s);
  EXPECT_TRUE(closed);
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].data, "Subject: t\r\n\r\n.leading dot\r\n\xc3\xa9\r\n");
  EXPECT_EQ(msgs[0].mail_from, "a@example.test");
  EXPECT_EQ(msgs[0].session, 1);
  EXPECT_EQ(msgs[0].helo, "127.0.0.1");
  ASSERT_TRUE(WaitFor([&] { return server_->SessionsActive() == 0; }));
  auto ts = server_->Transcripts();
  ASSERT_EQ(ts.size(), 1u);
  ASSERT_GE(ts[0].size(), 3u);
  EXPECT_EQ(ts[0][0].dir, '*');
  EXPECT_EQ(ts[0][1].dir, 'S');
  EXPECT_EQ(ts[0][1].text, "220 fake.smtp-harness.test ESMTP smtp-harness");
  EXPECT_EQ(ts[0][2].dir, 'C');
  EXPECT_EQ(ts[0][2].text, "EHLO 127.0.0.1");
  EXPECT_EQ(ts[0].back().text, "connection closed (closed by server)");
}

TEST_F(FakeServerTest, PipelinedInOnePacket) {
  Start();
  auto c = Connect();
  c->Send(
      "EHLO x\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nhi\r\n.\r\n"
      "MAIL FROM:<e@b.test>\r\nRCPT TO:<f@d.test>\r\nBDAT 2 LAST\r\nyoQUIT\r\n");
  bool closed = false;
  std::string all = c->ReadAll(&closed, 3s);
  EXPECT_TRUE(closed);
  EXPECT_NE(all.find("250 2.0.0 Ok: queued as 1.1\r\n250 2.1.0 Sender <e@b.test> OK\r\n"
                     "250 2.1.5 Recipient <f@d.test> OK\r\n250 2.0.0 Message accepted, 2 octets\r\n"
                     "221 2.0.0"),
            std::string::npos)
      << all;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].data, "yo");
}

TEST_F(FakeServerTest, BindFailureNamesAddress) {
  Start();
  FakeServerConfig again = config_;
  again.port = port_;
  again.listen_host = "127.0.0.1";
  // reuse_address allows TIME_WAIT reuse, not two listeners on one port.
  FakeServer second(again);
  auto r = second.Start();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "cannot bind 127.0.0.1:" + std::to_string(port_) + ": Address already in use");
  FakeServerConfig bad;
  bad.listen_host = "localhost";
  FakeServer third(bad);
  EXPECT_EQ(third.Start().status().message(), "cannot listen on localhost:0: not an IP address");
}

TEST_F(FakeServerTest, MaxSessions) {
  config_.max_sessions = 2;
  config_.max_sessions_per_client = 2;
  Start();
  auto a = Connect();
  auto b = Connect();
  TcpClient c(port_);
  EXPECT_EQ(c.ReadReply(), "421 4.3.2 Too many connections, try again later\r\n");
  bool closed = false;
  c.ReadAll(&closed, 2s);
  EXPECT_TRUE(closed);
  EXPECT_EQ(a->Command("NOOP"), "250 Ok\r\n");
  a->Command("QUIT");
  ASSERT_TRUE(WaitFor([&] { return server_->SessionsActive() == 1; }));
  auto d = Connect();
  EXPECT_EQ(server_->SessionsStarted(), 3);
}

TEST_F(FakeServerTest, IdleTimeout) {
  config_.idle_timeout = 150ms;
  Start();
  auto c = Connect();
  auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  EXPECT_EQ(c->ReadAll(&closed, 3s), "421 fake.smtp-harness.test Error: timeout exceeded\r\n");
  EXPECT_TRUE(closed);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);
  ASSERT_TRUE(WaitFor([&] { return server_->SessionsActive() == 0; }));
  EXPECT_EQ(server_->Transcripts()[0].back().text, "connection closed (idle timeout)");
}

// A client that sends but never reads: once the replies fill the socket
// buffers the server's write blocks, and write_timeout ends the session
// (the idle timeout is far away, so it cannot be what ends it).
TEST_F(FakeServerTest, WriteTimeoutEndsSessionOfClientThatDoesNotRead) {
  config_.write_timeout = 200ms;
  config_.idle_timeout = 60s;
  Start();
  auto c = Connect();
  c->ShrinkReceiveBuffer();
  std::string ehlos;
  for (int i = 0; i < 500; ++i) ehlos += "EHLO 127.0.0.1\r\n";  // ~200-byte replies
  auto t0 = std::chrono::steady_clock::now();
  while (server_->SessionsActive() == 1 && std::chrono::steady_clock::now() - t0 < 10s) {
    if (c->TrySend(ehlos) == 0) std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(server_->SessionsActive(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  auto transcript = server_->Transcripts()[0];
  ASSERT_GE(transcript.size(), 2u);
  EXPECT_EQ(transcript[transcript.size() - 2].text, "write timed out after 200ms");
  EXPECT_EQ(transcript.back().text, "connection closed (closed by server)");
}

// An implicit-TLS client on the plain port: told so and closed at once,
// not held until the idle timeout.
TEST_F(FakeServerTest, TlsClientHelloOnPlainPortEndsTheSessionAtOnce) {
  config_.idle_timeout = 60s;
  Start();
  auto c = Connect();
  c->Send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  bool closed = false;
  EXPECT_EQ(c->ReadAll(&closed, 3s),
            "554 This looks like a TLS handshake, but this port speaks plain SMTP (use STARTTLS, "
            "or the implicit-TLS port)\r\n");
  EXPECT_TRUE(closed);
  ASSERT_TRUE(WaitFor([&] { return server_->SessionsActive() == 0; }));
}

TEST_F(FakeServerTest, StopSays421ToOpenSessions) {
  Start();
  auto c = Connect();
  EXPECT_EQ(c->Command("EHLO x").substr(0, 4), "250-");
  server_->Stop();
  bool closed = false;
  EXPECT_EQ(c->ReadAll(&closed, 3s), "421 4.3.2 fake.smtp-harness.test Service shutting down\r\n");
  EXPECT_TRUE(closed);
  TcpClient late(port_);
  EXPECT_FALSE(late.ok());
}

TEST_F(FakeServerTest, RestartAfterStop) {
  Start();
  server_->Stop();
  auto again = server_->Start();
  ASSERT_TRUE(again.ok()) << again.status().message();
  port_ = *again;
  auto c = Connect();
  EXPECT_EQ(c->Command("NOOP"), "250 Ok\r\n");
}

TEST_F(FakeServerTest, RuleDelayAndSplit) {
  FaultRule delay;
  delay.when = "NOOP";
  delay.delay = 200ms;
  FaultRule split;
  split.when = "RSET";
  split.reply = "250 2.0.0 Reset in pieces";
  split.split_bytes = 5;
  split.split_delay = 30ms;
  config_.rules = {delay, split};
  Start();
  auto c = Connect();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c->Command("NOOP"), "250 Ok\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 190ms);
  t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(c->Command("RSET"), "250 2.0.0 Reset in pieces\r\n");
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 150ms);  // 6 pieces, 5 pauses
  ASSERT_TRUE(WaitFor([&] { return server_->Transcripts()[0].size() >= 6; }));
}

TEST_F(FakeServerTest, RuleDisconnectAndGreylistAcrossConnections) {
  FaultRule grey;
  grey.when = "RCPT TO:*";
  grey.reply = "450 4.2.0 Greylisted";
  grey.times = 1;
  FaultRule bye;
  bye.when = "VRFY *";
  bye.reply = "421 4.3.0 Going away";
  bye.action = FaultRule::Action::kDisconnect;
  config_.rules = {grey, bye};
  Start();
  auto c = Connect();
  c->Command("HELO x");
  c->Command("MAIL FROM:<a@b.test>");
  EXPECT_EQ(c->Command("RCPT TO:<c@d.test>"), "450 4.2.0 Greylisted\r\n");
  c->Send("VRFY x\r\n");
  bool closed = false;
  EXPECT_EQ(c->ReadAll(&closed, 2s), "421 4.3.0 Going away\r\n");
  EXPECT_TRUE(closed);
  auto d = Connect();
  d->Command("HELO x");
  d->Command("MAIL FROM:<a@b.test>");
  EXPECT_EQ(d->Command("RCPT TO:<c@d.test>"), "250 Recipient <c@d.test> OK\r\n");
}

TEST_F(FakeServerTest, RuleDropInData) {
  FaultRule drop;
  drop.when = "DATA";
  drop.action = FaultRule::Action::kDropInData;
  drop.after_bytes = 20;
  config_.rules = {drop};
  Start();
  auto c = Connect();
  c->Command("HELO x");
  c->Command("MAIL FROM:<a@b.test>");
  c->Command("RCPT TO:<c@d.test>");
  EXPECT_EQ(c->Command("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  c->Send("0123456789\r\n0123456789\r\n0123456789\r\n.\r\n");
  bool closed = false;
  EXPECT_EQ(c->ReadAll(&closed, 2s), "");
  EXPECT_TRUE(closed);
  EXPECT_TRUE(server_->Messages().empty());
}

TEST_F(FakeServerTest, AbruptDisconnectsLoseNothingAccepted) {
  Start();
  auto good = Connect();
  EXPECT_EQ(SendMessage(*good, "first\r\n"), "250 2.0.0 Ok: queued as 1.1\r\n");
  {
    auto mid_data = Connect();
    mid_data->Command("HELO x");
    mid_data->Command("MAIL FROM:<a@b.test>");
    mid_data->Command("RCPT TO:<c@d.test>");
    mid_data->Command("DATA");
    mid_data->Send("half a message\r\nand no end");
    mid_data->Reset();
  }
  {
    auto mid_command = Connect();
    mid_command->Send("MAIL FROM:<a@b");
    mid_command->Close();
  }
  {
    TcpClient garbage(port_);
    std::string junk;
    for (int i = 0; i < 5000; ++i) junk += static_cast<char>((i * 7919) % 256);
    garbage.Send(junk);
    garbage.Reset();
  }
  EXPECT_EQ(SendMessage(*good, "second\r\n"), "250 2.0.0 Ok: queued as 1.2\r\n");
  ASSERT_TRUE(WaitFor([&] { return server_->SessionsActive() == 1; }));
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1].data, "second\r\n");
}

TEST_F(FakeServerTest, HundredsOfConcurrentSessions) {
  Start();
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<TcpClient>> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(std::make_unique<TcpClient>(port_));
  std::atomic<int> ok{0};
  std::mutex ids_mu;
  std::set<std::string> queue_ids;  // one per message: ids are unique across sessions
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kClients; i += 4) {
        auto& c = *clients[i];
        if (c.ReadReply().substr(0, 4) != "220 ") continue;
        std::string reply = SendMessage(c, "msg " + std::to_string(i) + "\r\n");
        if (reply.rfind("250 2.0.0 Ok: queued as ", 0) != 0) continue;
        ++ok;
        std::lock_guard<std::mutex> lock(ids_mu);
        queue_ids.insert(reply);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kClients);
  EXPECT_EQ(queue_ids.size(), static_cast<size_t>(kClients));
  EXPECT_EQ(server_->Messages().size(), static_cast<size_t>(kClients));
  EXPECT_EQ(server_->SessionsActive(), kClients);
}

TEST_F(FakeServerTest, AuthSecretsAreRedactedInTranscripts) {
  config_.auth.users["alice"] = "s3cret";
  Start();
  auto c = Connect();
  c->Command("EHLO x");
  EXPECT_EQ(c->Command("AUTH PLAIN AGFsaWNlAHMzY3JldA=="),
            "235 2.7.0 Authentication successful\r\n");
  auto d = Connect();
  d->Command("EHLO x");
  EXPECT_EQ(d->Command("AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(d->Command("YWxpY2U="), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(d->Command("czNjcmV0"), "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(d->Command("NOOP"), "250 2.0.0 Ok\r\n");
  auto ts = server_->Transcripts();
  ASSERT_EQ(ts.size(), 2u);
  std::string all;
  for (const auto& t : ts) {
    for (const auto& e : t) all += std::string(1, e.dir) + " " + e.text + "\n";
  }
  EXPECT_NE(all.find("C AUTH PLAIN <redacted>\n"), std::string::npos) << all;
  EXPECT_NE(
      all.find("C AUTH LOGIN\nS 334 VXNlcm5hbWU6\nC <redacted>\nS 334 UGFzc3dvcmQ6\nC <redacted>\n"
               "S 235 2.7.0 Authentication successful\nC NOOP\n"),
      std::string::npos)
      << all;
  EXPECT_EQ(all.find("czNjcmV0"), std::string::npos);
  EXPECT_EQ(all.find("AGFsaWNl"), std::string::npos);
}

TEST_F(FakeServerTest, AuthSecretsAfterATabOrARefusalAreRedactedToo) {
  config_.auth.users["alice"] = "s3cret";
  Start();
  auto c = Connect();
  c->Command("EHLO x");
  // RFC 4954 wants SP: refused, but the line must not be logged in full.
  EXPECT_EQ(c->Command("AUTH PLAIN\tAGFsaWNlAHMzY3JldA==").substr(0, 4), "504 ");
  auto d = Connect();
  d->Command("EHLO x");
  // A client that sends its credentials without waiting for 334, to a
  // mechanism the server refuses: both lines come before the final reply.
  d->Send("AUTH CRAM-MD5\r\nYWxpY2U=\r\nczNjcmV0\r\n");
  EXPECT_EQ(d->ReadReply().substr(0, 1), "5");
  EXPECT_EQ(d->ReadReply().substr(0, 1), "5");
  EXPECT_EQ(d->ReadReply().substr(0, 1), "5");
  EXPECT_EQ(d->Command("NOOP").substr(0, 3), "250");
  std::string all;
  for (const auto& t : server_->Transcripts()) {
    for (const auto& e : t) all += std::string(1, e.dir) + " " + e.text + "\n";
  }
  EXPECT_NE(all.find("C AUTH PLAIN\t<redacted>\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("AGFsaWNl"), std::string::npos) << all;
  EXPECT_EQ(all.find("YWxpY2U="), std::string::npos) << all;
  EXPECT_EQ(all.find("czNjcmV0"), std::string::npos) << all;
}

class EchoLogic : public SessionLogic {
 public:
  SessionActions OnConnect() override { return {SessionAction::Write("220 scripted\r\n")}; }
  SessionActions OnBytes(std::string_view bytes) override {
    if (bytes.find("QUIT") != std::string_view::npos) {
      return {SessionAction::Write("221 bye\r\n"), SessionAction::Close()};
    }
    return {SessionAction::Pause(10ms),
            SessionAction::Write("250 got " + std::to_string(bytes.size()) + "\r\n")};
  }
};

TEST_F(FakeServerTest, CustomLogicFactory) {
  server_ = std::make_unique<FakeServer>(config_, [](const SessionContext& ctx) {
    EXPECT_EQ(ctx.session, 1);
    EXPECT_EQ(ctx.peer.substr(0, 10), "127.0.0.1:");
    return std::make_unique<EchoLogic>();
  });
  auto port = server_->Start();
  ASSERT_TRUE(port.ok());
  TcpClient c(*port);
  EXPECT_EQ(c.ReadReply(), "220 scripted\r\n");
  EXPECT_EQ(c.Command("HELLO"), "250 got 7\r\n");
  c.Send("QUIT\r\n");
  bool closed = false;
  EXPECT_EQ(c.ReadAll(&closed, 2s), "221 bye\r\n");
  EXPECT_TRUE(closed);
}

// A logic that says how long to wait for the client (server mode's script:
// the timeout of the step it is on) overrides the configured idle timeout.
class QuickTimeoutLogic : public SessionLogic {
 public:
  SessionActions OnConnect() override { return {SessionAction::Write("220 scripted\r\n")}; }
  SessionActions OnBytes(std::string_view) override { return {}; }
  std::optional<Duration> ReadTimeout() const override { return Duration(150); }
  SessionActions OnEnd(SessionEnd end) override {
    return {SessionAction::Write("421 " + std::string(SessionEndName(end)) + "\r\n")};
  }
};

TEST_F(FakeServerTest, LogicReadTimeoutOverridesTheIdleTimeout) {
  config_.idle_timeout = 60s;
  server_ = std::make_unique<FakeServer>(
      config_, [](const SessionContext&) { return std::make_unique<QuickTimeoutLogic>(); });
  auto port = server_->Start();
  ASSERT_TRUE(port.ok());
  TcpClient c(*port);
  EXPECT_EQ(c.ReadReply(), "220 scripted\r\n");
  auto t0 = std::chrono::steady_clock::now();
  bool closed = false;
  EXPECT_EQ(c.ReadAll(&closed, 10s), "421 idle timeout\r\n");
  EXPECT_TRUE(closed);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);  // far from the 60s idle timeout
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

class ThrowingLogic : public SessionLogic {
 public:
  SessionActions OnConnect() override { return {SessionAction::Write("220 x\r\n")}; }
  SessionActions OnBytes(std::string_view) override { throw std::runtime_error("script bug"); }
};

TEST(FakeServerFailures, ThrowingLogicEndsOnlyItsSession) {
  FakeServerConfig config;
  FakeServer server(config,
                    [](const SessionContext&) { return std::make_unique<ThrowingLogic>(); });
  auto port = server.Start();
  ASSERT_TRUE(port.ok());
  testing::TcpClient a(*port);
  EXPECT_EQ(a.ReadReply(), "220 x\r\n");
  a.Send("boom\r\n");
  bool closed = false;
  EXPECT_EQ(a.ReadAll(&closed, std::chrono::seconds(2)), "");
  EXPECT_TRUE(closed);
  testing::TcpClient b(*port);
  EXPECT_EQ(b.ReadReply(), "220 x\r\n");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (server.Transcripts()[0].back().text.rfind("session failed", 0) != 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server.Transcripts()[0].back().text, "session failed: script bug");
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

// kPeek: the engine tells the logic how many bytes the client sent that no
// read has taken yet (server mode's check for early talkers), and those
// bytes still arrive through OnBytes afterwards.
class PeekLogic : public SessionLogic {
 public:
  explicit PeekLogic(std::shared_ptr<std::vector<size_t>> seen) : seen_(std::move(seen)) {}
  SessionActions OnConnect() override {
    return {SessionAction::Pause(300ms), SessionAction::Peek("before the greeting"),
            SessionAction::Write("220 late\r\n")};
  }
  SessionActions OnBytes(std::string_view bytes) override {
    got_ += bytes;
    if (got_.find("QUIT\r\n") != std::string::npos) {
      return {SessionAction::Write("221 " + got_.substr(0, got_.find('\r')) + "\r\n"),
              SessionAction::Close()};
    }
    return {};
  }
  void OnPeek(std::string_view tag, size_t waiting) override {
    EXPECT_EQ(tag, "before the greeting");
    seen_->push_back(waiting);
  }

 private:
  std::shared_ptr<std::vector<size_t>> seen_;
  std::string got_;
};

TEST_F(FakeServerTest, PeekCountsBytesSentBeforeTheGreetingWithoutTakingThem) {
  for (bool early : {true, false}) {
    auto seen = std::make_shared<std::vector<size_t>>();
    server_ = std::make_unique<FakeServer>(
        config_, [seen](const SessionContext&) { return std::make_unique<PeekLogic>(seen); });
    auto port = server_->Start();
    ASSERT_TRUE(port.ok());
    TcpClient c(*port);
    if (early) c.Send("EHLO early\r\n");
    EXPECT_EQ(c.ReadReply(), "220 late\r\n");
    c.Send("QUIT\r\n");
    bool closed = false;
    EXPECT_EQ(c.ReadAll(&closed, 2s), early ? "221 EHLO early\r\n" : "221 QUIT\r\n");
    server_->Stop();
    ASSERT_EQ(seen->size(), 1u);
    EXPECT_EQ((*seen)[0], early ? 12u : 0u);
  }
}

}  // namespace
}  // namespace smtp
