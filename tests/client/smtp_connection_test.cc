// SmtpConnection over real loopback sockets, with a tiny in-test peer on a
// thread: framing of multi-line replies, deadlines, limits, close handling.
#include "harness/client/smtp_connection.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <thread>

namespace smtp {
namespace {

// Accepts one connection on 127.0.0.1 and runs `script` with its fd.
class Peer {
 public:
  explicit Peer(std::function<void(int fd)> script) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(listen_fd_, 1);
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    if (script) {
      thread_ = std::thread([this, script] {
        int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd >= 0) {
          script(fd);
          close(fd);
        }
      });
    }
  }
  ~Peer() {
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
};

void SendAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1) {
    line += c;
    if (c == '\n') break;
  }
  return line;
}

ConnectOptions Options(uint16_t port) {
  ConnectOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.connect_timeout = std::chrono::seconds(2);
  return o;
}

constexpr Duration kShort{300};
constexpr Duration kLong{3000};

TEST(SmtpConnection, ReadsSplitMultiLineRepliesAndObservesLines) {
  std::string got;
  Peer peer([&](int fd) {
    SendAll(fd, "220 hi\r\n");
    got = ReadLine(fd);
    SendAll(fd, "250-first\r\n25");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    SendAll(fd, "0-second\r\n250 last\r\n");
    ReadLine(fd);
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  std::vector<std::string> seen;
  (*conn)->set_observer(
      [&](const TranscriptEntry& e) { seen.push_back(std::string(1, e.dir) + e.text); });
  auto greeting = (*conn)->ReadReply(kLong);
  ASSERT_TRUE(greeting.ok());
  EXPECT_EQ(greeting->code, 220);
  ASSERT_TRUE((*conn)->Write("EHLO [127.0.0.1]\r\n", kLong).ok());
  auto ehlo = (*conn)->ReadReply(kLong);
  ASSERT_TRUE(ehlo.ok()) << ehlo.status().message();
  EXPECT_EQ(ehlo->lines, (std::vector<std::string>{"first", "second", "last"}));
  EXPECT_EQ(got, "EHLO [127.0.0.1]\r\n");
  EXPECT_EQ(seen, (std::vector<std::string>{"S220 hi", "CEHLO [127.0.0.1]", "S250-first",
                                            "S250-second", "S250 last"}));
  EXPECT_EQ((*conn)->peer(), "127.0.0.1:" + std::to_string(peer.port()));
  EXPECT_EQ((*conn)->local_address(), "127.0.0.1");
  ASSERT_TRUE((*conn)->Write("QUIT\r\n", kLong).ok());
}

TEST(SmtpConnection, ReadTimesOutAtTheDeadline) {
  Peer peer([](int fd) { ReadLine(fd); });  // never sends; returns when the client closes
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  auto start = std::chrono::steady_clock::now();
  auto r = (*conn)->ReadReply(kShort);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsTimeout());
  EXPECT_EQ(r.status().message(), "no complete reply within 300ms");
  EXPECT_GE(took, std::chrono::milliseconds(280));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  (*conn)->Close();
}

TEST(SmtpConnection, PlainConnectionStaysUsableAfterAReadTimeout) {
  // A reply that arrives after one deadline passed is read by the next call,
  // also when its first line came before the timeout.
  Peer peer([](int fd) {
    SendAll(fd, "250-first\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    SendAll(fd, "250 late\r\n");
    ReadLine(fd);
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  auto early = (*conn)->ReadReply(Duration(150));
  ASSERT_FALSE(early.ok());
  EXPECT_TRUE(early.status().IsTimeout());
  auto late = (*conn)->ReadReply(kLong);
  ASSERT_TRUE(late.ok()) << late.status().message();
  EXPECT_EQ(late->lines, (std::vector<std::string>{"first", "late"}));
  (*conn)->Close();
}

TEST(SmtpConnection, PeerCloseIsReportedAsClosed) {
  Peer peer([](int fd) { SendAll(fd, "220 hi\r\n421 bye\r\n"); });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 220);
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 421);
  EXPECT_TRUE((*conn)->WaitForClose(kLong).ok());
}

TEST(SmtpConnection, ClosedMidReplyNamesTheIncompleteBytes) {
  Peer peer([](int fd) { SendAll(fd, "250-part\r\n250 no end"); });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->ReadReply(kLong);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsClosed());
  EXPECT_EQ(r.status().message(), "incomplete reply 250 no end: the server closed the connection");
}

TEST(SmtpConnection, MalformedReplyIsAProtocolError) {
  Peer peer([](int fd) { SendAll(fd, "hello there\r\n"); });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->ReadReply(kLong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kProtocol);
  EXPECT_NE(r.status().message().find("does not start with a 3-digit code"), std::string::npos)
      << r.status().message();
}

TEST(SmtpConnection, OverlongReplyLineIsAnError) {
  Peer peer([](int fd) { SendAll(fd, "250 " + std::string(70000, 'x') + "\r\n"); });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  auto r = (*conn)->ReadReply(kLong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kProtocol);
  EXPECT_EQ(r.status().message().rfind("reply line longer than 65536 bytes: 250 xxx", 0), 0u);
}

TEST(SmtpConnection, ConnectRefused) {
  uint16_t port;
  {
    Peer closed(nullptr);
    port = closed.port();
  }  // bound, then closed: nobody listens
  auto conn = SmtpConnection::Connect(Options(port));
  ASSERT_FALSE(conn.ok());
  EXPECT_EQ(conn.status().code(), Status::Code::kIo);
  EXPECT_EQ(conn.status().message(),
            "cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused");
}

TEST(SmtpConnection, WaitForCloseReportsExtraBytes) {
  Peer peer([](int fd) {
    SendAll(fd, "221 bye\r\nunexpected\r\n");
    ReadLine(fd);
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 221);
  Status s = (*conn)->WaitForClose(kLong);
  EXPECT_EQ(s.code(), Status::Code::kProtocol);
  EXPECT_EQ(s.message(), "the server sent more bytes: unexpected\\r\\n");
  (*conn)->Close();
}

// A server that refuses and closes (OpenSMTPD after "500 Pipelining not
// supported"): the write after it fails, and expect_close must then see the
// close at once, not wait out its timeout on a dead socket.
TEST(SmtpConnection, WaitForCloseAfterAFailedWriteReturnsAtOnce) {
  Peer peer([](int fd) {
    SendAll(fd, "220 hi\r\n");
    ReadLine(fd);
    SendAll(fd, "500 5.5.1 Invalid command: Pipelining not supported\r\n");
    linger l{1, 0};  // close with RST, as a server that drops unread input does
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 220);
  ASSERT_TRUE((*conn)->Write("DATA\r\n", kLong).ok());
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 500);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status w = Status::Ok();
  for (int i = 0; i < 20 && w.ok(); ++i) {
    w = (*conn)->Write("QUIT\r\n", kLong);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(w.ok());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE((*conn)->WaitForClose(kLong).ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1000));
}

TEST(SmtpConnection, TlsHandshakeWithAPlainTextPeerFails) {
  Peer peer([](int fd) {
    SendAll(fd, "220 hi\r\n");
    char buf[512];
    (void)!read(fd, buf, sizeof buf);  // the ClientHello
    SendAll(fd, "500 what is this\r\n");
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 220);
  TlsOptions tls;
  tls.verify = false;
  Status s = (*conn)->StartTls(tls, kLong);
  EXPECT_EQ(s.code(), Status::Code::kTls) << s.message();
  EXPECT_FALSE((*conn)->tls_active());
}

TEST(SmtpConnection, StartTlsDiscardsPlaintextInjectedBeforeTheHandshake) {
  // RFC 3207 §4.2 (and the 2011 STARTTLS injection bugs): a reply that came
  // with the 220 must not be read as if it came over TLS.
  Peer peer([](int fd) {
    SendAll(fd, "220 ready\r\n250 injected\r\n");
    char buf[512];
    (void)!read(fd, buf, sizeof buf);  // the ClientHello; then close
  });
  auto conn = SmtpConnection::Connect(Options(peer.port()));
  ASSERT_TRUE(conn.ok());
  std::vector<std::string> notes;
  (*conn)->set_observer([&](const TranscriptEntry& e) {
    if (e.dir == '*') notes.push_back(e.text);
  });
  EXPECT_EQ((*conn)->ReadReply(kLong)->code, 220);
  TlsOptions tls;
  tls.verify = false;
  EXPECT_FALSE((*conn)->StartTls(tls, kLong).ok());
  ASSERT_FALSE(notes.empty());
  EXPECT_EQ(notes[0], "discarded 14 bytes received before TLS: 250 injected\\r\\n");
  EXPECT_FALSE((*conn)->ReadReply(kShort).ok());  // the injected 250 is gone
}

}  // namespace
}  // namespace smtp
