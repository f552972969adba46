// `send` against our own fake server (embedded FakeServer on an ephemeral
// port): what it received, and every failure exit status provoked by its
// fault-injection rules; SIZE, PIPELINING, CHUNKING, STARTTLS, implicit
// TLS and AUTH.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "fake_server/fake_server.h"
#include "tests/e2e/send_support.h"

namespace smtp::send_e2e {
namespace {

FaultRule Rule(std::string when, std::string reply, FaultRule::On on = FaultRule::On::kCommand) {
  FaultRule r;
  r.on = on;
  r.when = std::move(when);
  r.reply = std::move(reply);
  return r;
}

class SendFake : public ::testing::Test {
 protected:
  void StartServer() {
    server_ = std::make_unique<FakeServer>(config_);
    auto port = server_->Start();
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = *port;
  }
  std::string Addr() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> Args(std::initializer_list<std::string> more = {}) const {
    std::vector<std::string> a{"--server",  Addr(),
                               "--from",    "alice@example.test",
                               "--to",      "bob@example.test",
                               "--helo",    "[127.0.0.1]",
                               "--subject", "fake",
                               "--body",    "hello\n.dot\n",
                               "--timeout", "5s"};
    a.insert(a.end(), more);
    return a;
  }
  std::string Prefix(const char* phase) const {
    return std::string("smtp-harness send: ") + phase + " failed (" + Addr() + "): ";
  }

  FakeServerConfig config_;
  std::unique_ptr<FakeServer> server_;
  uint16_t port_ = 0;
};

TEST_F(SendFake, DeliversPipelinedMessage) {
  StartServer();
  auto r = Send(Args({"--cc", "carol@example.test", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"pipelining\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"accepted\":[\"bob@example.test\",\"carol@example.test\"]"),
            std::string::npos);
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].helo, "[127.0.0.1]");
  EXPECT_EQ(msgs[0].mail_from, "alice@example.test");
  EXPECT_EQ(msgs[0].rcpt_to, (std::vector<std::string>{"bob@example.test", "carol@example.test"}));
  EXPECT_NE(msgs[0].data.find("\r\nSubject: fake\r\n"), std::string::npos);
  EXPECT_TRUE(msgs[0].data.ends_with("\r\n\r\nhello\r\n.dot\r\n")) << msgs[0].data;
}

TEST_F(SendFake, RawMessageArrivesByteExactWithDataAndBdat) {
  StartServer();
  std::string raw = ReadAll(Fixture("send_raw_message.eml"));
  for (bool chunking : {false, true}) {
    auto a = Args();
    auto body = std::find(a.begin(), a.end(), "--subject");
    a.erase(body, body + 4);  // --subject fake --body ...
    a.insert(a.end(), {"--raw-file", Fixture("send_raw_message.eml")});
    if (chunking) a.push_back("--chunking");
    auto r = Send(a);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].data, raw);
  EXPECT_EQ(msgs[1].data, raw);
}

TEST_F(SendFake, OverSizeIsRefusedWithoutSendingMail) {
  config_.max_message_size = 100;
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_NE(r.err.find("more than the server's SIZE limit of 100 (not sent; EHLO said SIZE 100)\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server_->MessagesAccepted(), 0);
  for (const auto& t : server_->Transcripts()) {
    for (const auto& e : t) EXPECT_NE(e.text.rfind("MAIL", 0), 0u) << e.text;
  }
}

// RFC 6531: our fake server advertises SMTPUTF8 and refuses a non-ASCII
// address without the MAIL parameter (553), so this passes only if `send`
// adds it.
TEST_F(SendFake, NonAsciiRecipientGoesWithSmtpUtf8) {
  StartServer();
  auto a = Args({"--json"});
  *std::find(a.begin(), a.end(), "bob@example.test") = "j\xc3\xb6rg@example.test";
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.out.find("\"smtputf8\":true"), std::string::npos) << r.out;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].rcpt_to, (std::vector<std::string>{"j\xc3\xb6rg@example.test"}));
}

TEST_F(SendFake, NonAsciiAddressWithoutSmtpUtf8Exits23BeforeMail) {
  config_.extensions = std::vector<std::string>{"8BITMIME", "PIPELINING"};
  StartServer();
  auto a = Args();
  *std::find(a.begin(), a.end(), "alice@example.test") = "\xc3\xa9lodie@example.test";
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_EQ(r.err, Prefix("mail") +
                       "the address \xc3\xa9lodie@example.test is not ASCII and the "
                       "server does not advertise SMTPUTF8 (RFC 6531); not sent\n");
  EXPECT_EQ(server_->MessagesAccepted(), 0);
}

TEST_F(SendFake, GreetingRuleExits21) {
  config_.rules.push_back(Rule("", "554 5.3.2 not today", FaultRule::On::kConnect));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 21);
  EXPECT_EQ(r.err, Prefix("greeting") + "greeting refused: 554 5.3.2 not today\n");
}

TEST_F(SendFake, EhloAndHeloRefusedExits22) {
  config_.rules.push_back(Rule("EHLO *", "550 5.7.1 no EHLO"));
  config_.rules.push_back(Rule("HELO *", "550 5.7.1 no HELO either"));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 22);
  EXPECT_EQ(r.err,
            Prefix("ehlo") +
                "EHLO refused (550 5.7.1 no EHLO), then HELO refused: 550 5.7.1 no HELO either\n");
}

TEST_F(SendFake, HeloFallbackWorks) {
  config_.rules.push_back(Rule("EHLO *", "502 5.5.1 EHLO off"));
  StartServer();
  auto r = Send(Args({"--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"esmtp\":false"), std::string::npos);
  EXPECT_EQ(server_->Messages().size(), 1u);
}

TEST_F(SendFake, MailRefusedExits23) {
  config_.rules.push_back(Rule("MAIL FROM:*", "550 5.7.1 sender blocked"));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 23);
  EXPECT_EQ(r.err, Prefix("mail") + "MAIL FROM refused: 550 5.7.1 sender blocked\n");
}

TEST_F(SendFake, SomeRecipientsRejectedOthersDelivered) {
  config_.rules.push_back(Rule("RCPT TO:<nobody@*", "550 5.1.1 No such user"));
  StartServer();
  auto r = Send(Args({"--to", "nobody@example.test", "--json"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"rejected\":[{\"address\":\"nobody@example.test\",\"code\":550,"
                       "\"reply\":\"550 5.1.1 No such user\"}]"),
            std::string::npos)
      << r.out;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].rcpt_to, std::vector<std::string>{"bob@example.test"});
}

TEST_F(SendFake, NoRecipientAcceptedExits24) {
  config_.rules.push_back(Rule("RCPT TO:*", "550 5.1.1 No such user"));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 24);
  EXPECT_EQ(r.err, Prefix("rcpt") +
                       "no recipient accepted (<bob@example.test>: 550 5.1.1 No such user)\n");
  EXPECT_EQ(server_->MessagesAccepted(), 0);
}

TEST_F(SendFake, DataRefusedExits25) {
  config_.rules.push_back(Rule("DATA", "451 4.3.0 try again later"));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 25);
  EXPECT_EQ(r.err, Prefix("data") + "DATA refused: 451 4.3.0 try again later\n");
}

TEST_F(SendFake, MessageRefusedAfterFinalDotExits26) {
  config_.rules.push_back(Rule("", "554 5.7.1 spam detected", FaultRule::On::kMessage));
  StartServer();
  auto r = Send(Args());
  EXPECT_EQ(r.exit_code, 26);
  EXPECT_EQ(r.err, Prefix("final") + "message refused: 554 5.7.1 spam detected\n");
}

TEST_F(SendFake, ConnectionDroppedMidDataIsAFailureNotSent) {
  FaultRule drop = Rule("DATA", "");
  drop.reply.reset();
  drop.action = FaultRule::Action::kDropInData;
  drop.after_bytes = 10;
  config_.rules.push_back(drop);
  StartServer();
  auto r = Send(Args());
  // The close races our write: the kernel may report it as EOF or as a reset
  // (RST because unread data was pending on the server's side).
  EXPECT_EQ(r.exit_code, 26) << r.err;
  EXPECT_TRUE(
      r.err == Prefix("final") + "no reply after the message: the server closed the connection\n" ||
      r.err == Prefix("final") + "no reply after the message: the server reset the connection\n")
      << r.err;
  EXPECT_EQ(server_->MessagesAccepted(), 0);
}

TEST_F(SendFake, StartTlsAndAuth) {
  config_.tls.starttls = true;
  config_.auth.users = {{"alice", "wonderland"}};
  config_.auth.required = true;
  StartServer();
  auto r = Send(
      Args({"--starttls", "--insecure", "--auth-user", "alice", "--auth-password-env", "PW", "-v"}),
      {{"PW", "wonderland"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("wonderland"), std::string::npos);
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].tls);
  EXPECT_EQ(msgs[0].auth_user, "alice");
}

TEST_F(SendFake, StartTlsSelfSignedWithoutInsecureExits28) {
  config_.tls.starttls = true;
  StartServer();
  auto r = Send(Args({"--starttls"}));
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_NE(
      r.err.find(Prefix("starttls") + "TLS handshake failed: certificate verification failed for "
                                      "127.0.0.1: "),
      std::string::npos)
      << r.err;
}

TEST_F(SendFake, AuthWrongPasswordExits29) {
  config_.auth.users = {{"alice", "wonderland"}};
  StartServer();
  auto r =
      Send(Args({"--auth-user", "alice", "--auth-password", "nope", "--auth-mechanism", "LOGIN"}));
  EXPECT_EQ(r.exit_code, 29);
  EXPECT_EQ(r.err.rfind(Prefix("auth") + "AUTH LOGIN refused: 535", 0), 0u) << r.err;
}

TEST_F(SendFake, ImplicitTls) {
  config_.tls.implicit = true;
  StartServer();
  auto r = Send(Args({"--tls", "--insecure"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_TRUE(msgs[0].tls);
}

TEST_F(SendFake, Utf8SubjectAndAttachment) {
  StartServer();
  std::string path = ::testing::TempDir() + "send_fake_attach.txt";
  std::ofstream(path) << "attached text\n";
  auto a = Args({"--attach", path, "--header", "X-Mailer-Test: 1"});
  *(std::find(a.begin(), a.end(), "--subject") + 1) = "Ünïcödé ✓";
  auto r = Send(a);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  const std::string& d = msgs[0].data;
  EXPECT_NE(d.find("Subject: =?UTF-8?B?"), std::string::npos) << d;
  EXPECT_NE(d.find("X-Mailer-Test: 1\r\n"), std::string::npos);
  EXPECT_NE(d.find("filename=\"send_fake_attach.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                   "YXR0YWNoZWQgdGV4dAo=\r\n"),
            std::string::npos)
      << d;
}

// Every MIME part `send` builds is valid under RFC 2045-2049, as judged by
// Python's email parser (tests/fixtures/mime/check_mime.py): an .eml goes as
// message/rfc822 in 7bit (RFC 2046 §5.2.1 forbids base64), a 2,000-character
// body line as quoted-printable, binary and non-ASCII file names intact.
TEST_F(SendFake, MimePartsPassPythonEmailRoundTrip) {
  StartServer();
  namespace fs = std::filesystem;
  fs::path dir = fs::path(::testing::TempDir()) / "send_mime";
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return (dir / name).string();
  };
  std::string body = "caf\xc3\xa9 " + std::string(2000, 'x') + "\n.dot line\nend \n";
  std::string body_file = write("body.txt", body);
  std::vector<std::string> files = {
      write("hello.eml", "From: a@example.test\nSubject: inner\n\nhello\n.\n"),
      write("data.bin", std::string("\x00\x01\xff\r\n\n bin", 9)),
      write("r\xc3\xa9sum\xc3\xa9 \"q\".txt", "notes\n"),
  };
  std::vector<std::string> args = Args({"--body-file", body_file});
  args.erase(std::find(args.begin(), args.end(), "--body"),
             std::find(args.begin(), args.end(), "--body") + 2);
  for (const auto& f : files) args.insert(args.end(), {"--attach", f});
  auto r = Send(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto msgs = server_->Messages();
  ASSERT_EQ(msgs.size(), 1u);
  std::string message = write("received.eml", msgs[0].data);
  // The quote in the third name is replaced on the wire (it cannot be in a
  // quoted parameter); the oracle compares names, so give it that name.
  fs::path renamed = dir / "r\xc3\xa9sum\xc3\xa9 _q_.txt";
  fs::rename(files[2], renamed);
  files[2] = renamed.string();
  std::vector<std::string> check = {"/usr/bin/python3", Fixture("mime/check_mime.py"), message,
                                    body_file};
  check.insert(check.end(), files.begin(), files.end());
  auto c = RunProcess(check);
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err << "\n" << msgs[0].data.substr(0, 3000);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace smtp::send_e2e
