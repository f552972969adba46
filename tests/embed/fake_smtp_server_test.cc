// The embedding API (include/smtp_harness/fake_smtp_server.h) from a test
// suite's point of view: start, talk SMTP to it, read what it received.
#include "smtp_harness/fake_smtp_server.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "harness/client/mail_sender.h"
#include "tests/support/tcp_client.h"

namespace {

using smtp::testing::TcpClient;
using namespace std::chrono_literals;

// One message over a plain connection, as the code under test would send it.
void SendOne(int port, const std::string& from, const std::string& to, const std::string& data) {
  TcpClient c;
  ASSERT_TRUE(c.Connect(port));
  ASSERT_EQ(c.ReadReply().substr(0, 3), "220");
  c.Send("EHLO test.example\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 3), "250");
  c.Send("MAIL FROM:<" + from + ">\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 3), "250");
  c.Send("RCPT TO:<" + to + ">\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 3), "250");
  c.Send("DATA\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 3), "354");
  c.Send(data + ".\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 3), "250");
  c.Send("QUIT\r\n");
  c.ReadReply();
}

TEST(FakeSmtpServer, ReceivesEnvelopeBytesAndHeaders) {
  smtp_harness::FakeSmtpServer server;
  ASSERT_NE(server.port(), 0);
  EXPECT_EQ(server.host(), "127.0.0.1");
  SendOne(server.port(), "alice@example.test", "bob@example.test",
          "Subject: Welcome\r\nX-Long: one\r\n  two\r\n\r\nhello\r\n..dot\r\n");
  ASSERT_TRUE(server.WaitForMessages(1, 5s));
  auto mails = server.messages();
  ASSERT_EQ(mails.size(), 1u);
  const auto& m = mails[0];
  EXPECT_EQ(m.mail_from, "alice@example.test");
  EXPECT_EQ(m.rcpt_to, std::vector<std::string>{"bob@example.test"});
  EXPECT_EQ(m.helo, "test.example");
  EXPECT_EQ(m.data, "Subject: Welcome\r\nX-Long: one\r\n  two\r\n\r\nhello\r\n.dot\r\n");
  EXPECT_EQ(m.Header("subject"), "Welcome");
  EXPECT_EQ(m.Header("X-Long"), "one two");  // unfolded
  EXPECT_EQ(m.Header("Missing"), "");
  EXPECT_EQ(m.Body(), "hello\r\n.dot\r\n");
  EXPECT_FALSE(m.tls);
}

TEST(FakeSmtpServer, WaitTimesOutAndClearForgets) {
  smtp_harness::FakeSmtpServer server;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(server.WaitForMessages(1, 100ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
  // A message arriving while the test thread waits wakes it.
  std::thread sender([&] { SendOne(server.port(), "a@x.test", "b@x.test", "\r\nx\r\n"); });
  EXPECT_TRUE(server.WaitForMessages(1, 5s));
  sender.join();
  server.Clear();
  EXPECT_TRUE(server.messages().empty());
  EXPECT_FALSE(server.WaitForMessages(1, 10ms));
}

TEST(FakeSmtpServer, ConfigIsTheServerBlock) {
  smtp_harness::FakeSmtpServer server(
      "rules:\n  - when: \"RCPT TO:<nobody@*>\"\n    reply: \"550 5.1.1 No such user\"\n");
  TcpClient c;
  ASSERT_TRUE(c.Connect(server.port()));
  c.ReadReply();
  c.Send("EHLO t\r\n");
  c.ReadReply();
  c.Send("MAIL FROM:<a@x.test>\r\n");
  c.ReadReply();
  c.Send("RCPT TO:<nobody@x.test>\r\n");
  EXPECT_EQ(c.ReadReply(), "550 5.1.1 No such user\r\n");
}

// STARTTLS and AUTH from the same keys as a scenario's server: block; the
// message records both (sent with the project's own client, as `send` does).
TEST(FakeSmtpServer, TlsAndAuthFromTheServerBlock) {
  for (bool implicit : {false, true}) {
    smtp_harness::FakeSmtpServer server(
        std::string("tls: {") + (implicit ? "implicit" : "starttls") +
        ": true}\nauth: {users: {alice: secret}, required: true}\n");
    smtp::SendRequest req;
    req.server = smtp::HostPort{server.host(), server.port()};
    req.implicit_tls = implicit;
    req.session.starttls = implicit ? smtp::StartTlsMode::kNever : smtp::StartTlsMode::kAlways;
    req.session.tls.verify = false;  // the server's self-signed certificate
    req.session.auth_user = "alice";
    req.session.auth_password = "secret";
    req.envelope = {"a@x.test", {"b@x.test"}};
    req.message = "Subject: over TLS\r\n\r\nhi\r\n";
    smtp::SendOutcome out = smtp::SendMail(req);
    ASSERT_TRUE(out.error.empty()) << (implicit ? "implicit: " : "starttls: ") << out.error;
    ASSERT_TRUE(server.WaitForMessages(1, 5s));
    auto m = server.messages().at(0);
    EXPECT_TRUE(m.tls) << implicit;
    EXPECT_EQ(m.auth_user, "alice");
    EXPECT_EQ(m.Header("Subject"), "over TLS");
    // Without AUTH, `required: true` refuses the message.
    req.session.auth_user.clear();
    EXPECT_FALSE(smtp::SendMail(req).error.empty());
    EXPECT_EQ(server.messages().size(), 1u);
  }
}

TEST(FakeSmtpServer, BadConfigThrowsWithPosition) {
  try {
    smtp_harness::FakeSmtpServer server("extensions: [PIPELINING\n");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("config:", 0), 0u) << e.what();
  }
  EXPECT_THROW(smtp_harness::FakeSmtpServer("max_message_size: lots\n"), std::invalid_argument);
}

TEST(FakeSmtpServer, StopIsIdempotentAndClosesTheListener) {
  smtp_harness::FakeSmtpServer server;
  int port = server.port();
  server.Stop();
  server.Stop();
  TcpClient c;
  EXPECT_FALSE(c.Connect(port) && !c.ReadReply(500ms).empty());
}

}  // namespace
