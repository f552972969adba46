#include "harness/client/smtp_client_session.h"

#include <gtest/gtest.h>

#include <deque>

namespace smtp {
namespace {

// A connection that answers from a list of replies and records what was written.
class ScriptedConnection : public SmtpConnection {
 public:
  explicit ScriptedConnection(std::vector<std::string> replies) {
    for (auto& r : replies) replies_.push_back(ReplyFromText(r).value());
  }
  Status Write(std::string_view bytes, Duration) override {
    written += bytes;
    writes.emplace_back(bytes);
    size_t start = 0;
    while (start < bytes.size() && observer_) {
      size_t nl = bytes.find("\r\n", start);
      if (nl == std::string_view::npos) nl = bytes.size();
      observer_(TranscriptEntry{0, 'C', std::string(bytes.substr(start, nl - start))});
      start = nl + 2;
    }
    return Status::Ok();
  }
  Result<Reply> ReadReply(Duration) override {
    if (replies_.empty()) return Status::Closed("the server closed the connection");
    Reply r = replies_.front();
    replies_.pop_front();
    return r;
  }
  Status StartTls(const TlsOptions&, Duration) override {
    tls_ = true;
    return Status::Ok();
  }
  Status WaitForClose(Duration) override { return Status::Ok(); }
  void Close() override { closed = true; }
  bool tls_active() const override { return tls_; }
  std::string peer() const override { return "127.0.0.1:2525"; }
  std::string local_address() const override { return "127.0.0.1"; }
  void set_observer(Observer o) override { observer_ = std::move(o); }

  std::string written;
  std::vector<std::string> writes;
  bool closed = false;

 private:
  std::deque<Reply> replies_;
  bool tls_ = false;
  Observer observer_;
};

const char* kEhlo = "250-fake\n250-SIZE 1000\n250-8BITMIME\n250 AUTH PLAIN LOGIN";
const char* kEhloPipelining = "250-fake\n250-PIPELINING\n250-SIZE 1000\n250 CHUNKING";

Envelope Env(std::vector<std::string> rcpts = {"b@x.test"}) { return Envelope{"a@x.test", rcpts}; }

TEST(SmtpClientSession, PlainTransactionOneCommandAtATime) {
  ScriptedConnection c(
      {"220 hi", kEhlo, "250 ok", "250 ok", "354 go", "250 2.0.0 queued as ABC", "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "Subject: x\n\n.dot\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_EQ(c.written,
            "EHLO [127.0.0.1]\r\n"
            "MAIL FROM:<a@x.test> SIZE=20\r\n"
            "RCPT TO:<b@x.test>\r\n"
            "DATA\r\n"
            "Subject: x\r\n\r\n..dot\r\n.\r\n"
            "QUIT\r\n");
  EXPECT_EQ(o.queue_id, "ABC");
  EXPECT_TRUE(o.esmtp);
  EXPECT_TRUE(c.closed);
}

TEST(SmtpClientSession, PipelinesMailRcptDataInOneWrite) {
  ScriptedConnection c({"220 hi", kEhloPipelining, "250 ok", "550 5.1.1 no such user", "250 ok",
                        "354 go", "250 ok", "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env({"x@x.test", "b@x.test"}), "hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  ASSERT_GE(c.writes.size(), 3u);
  EXPECT_EQ(c.writes[1],
            "MAIL FROM:<a@x.test> SIZE=4\r\nRCPT TO:<x@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  ASSERT_EQ(o.accepted.size(), 1u);
  EXPECT_EQ(o.accepted[0].address, "b@x.test");
  ASSERT_EQ(o.rejected.size(), 1u);
  EXPECT_EQ(o.rejected[0].reply, "550 5.1.1 no such user");
  EXPECT_TRUE(o.pipelined);
}

TEST(SmtpClientSession, NoRecipientAcceptedEndsOpenDataWithEmptyMessage) {
  ScriptedConnection c({"220 hi", kEhloPipelining, "250 ok", "550 5.1.1 nope", "354 go",
                        "554 no valid recipients", "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kRcpt);
  EXPECT_EQ(o.error, "no recipient accepted (<b@x.test>: 550 5.1.1 nope)");
  EXPECT_NE(c.written.find("DATA\r\n.\r\nQUIT\r\n"), std::string::npos) << c.written;
}

TEST(SmtpClientSession, EhloRefusedFallsBackToHelo) {
  ScriptedConnection c(
      {"220 hi", "502 5.5.2 what", "250 hello", "250 ok", "250 ok", "354 go", "250 ok", "221 bye"});
  SessionOptions opts;
  opts.helo = "[127.0.0.1]";
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_FALSE(o.esmtp);
  EXPECT_NE(c.written.find("EHLO [127.0.0.1]\r\nHELO [127.0.0.1]\r\nMAIL FROM:<a@x.test>\r\n"),
            std::string::npos);
}

TEST(SmtpClientSession, EhloAndHeloRefused) {
  ScriptedConnection c({"220 hi", "500 no", "501 neither", "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kEhlo);
  EXPECT_EQ(o.error, "EHLO refused (500 no), then HELO refused: 501 neither");
}

TEST(SmtpClientSession, EhloTemporaryFailureDoesNotFallBack) {
  ScriptedConnection c({"220 hi", "421 4.3.2 shutting down"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kEhlo);
  EXPECT_EQ(o.error, "EHLO refused: 421 4.3.2 shutting down");
}

TEST(SmtpClientSession, GreetingNot220) {
  ScriptedConnection c({"554 5.3.2 go away"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kGreeting);
  EXPECT_EQ(o.error, "greeting refused: 554 5.3.2 go away");
}

TEST(SmtpClientSession, MessageOverSizeLimitIsRefusedBeforeMail) {
  ScriptedConnection c({"220 hi", kEhlo, "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env(), std::string(2000, 'x'));
  EXPECT_EQ(o.failed, SendPhase::kMail);
  EXPECT_EQ(o.error,
            "message is 2002 bytes, more than the server's SIZE limit of 1000 (not sent; EHLO said "
            "SIZE 1000)");
  EXPECT_EQ(c.written.find("MAIL"), std::string::npos);
}

TEST(SmtpClientSession, NonAsciiAddressSendsSmtpUtf8) {
  ScriptedConnection c({"220 hi", "250-fake\n250-8BITMIME\n250 SMTPUTF8", "250 ok", "250 ok",
                        "354 go", "250 queued", "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Env({"j\xc3\xb6rg@x.test"}), "Subject: x\n\nhi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_NE(c.written.find("MAIL FROM:<a@x.test> SMTPUTF8\r\nRCPT TO:<j\xc3\xb6rg@x.test>\r\n"),
            std::string::npos)
      << c.written;
  EXPECT_TRUE(o.smtputf8);
}

TEST(SmtpClientSession, NonAsciiAddressWithoutSmtpUtf8IsNotSent) {
  ScriptedConnection c({"220 hi", kEhlo, "221 bye"});
  SendOutcome o = SmtpClientSession(c, {}).Send(Envelope{"\xc3\xa9lodie@x.test", {"b@x.test"}},
                                                "Subject: x\n\nhi\n");
  EXPECT_EQ(o.failed, SendPhase::kMail);
  EXPECT_EQ(o.error,
            "the address \xc3\xa9lodie@x.test is not ASCII and the server does not advertise "
            "SMTPUTF8 (RFC 6531); not sent");
  EXPECT_EQ(c.written.find("MAIL"), std::string::npos);
  EXPECT_FALSE(o.smtputf8);
}

TEST(SmtpClientSession, StartTlsThenEhloAgain) {
  ScriptedConnection c({"220 hi", "250-fake\n250 STARTTLS", "220 go ahead", kEhlo, "250 ok",
                        "250 ok", "354 go", "250 ok", "221 bye"});
  SessionOptions opts;
  opts.starttls = StartTlsMode::kAlways;
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_TRUE(o.tls);
  EXPECT_NE(c.written.find("STARTTLS\r\nEHLO [127.0.0.1]\r\nMAIL"), std::string::npos);
}

TEST(SmtpClientSession, StartTlsRequiredButNotOffered) {
  ScriptedConnection c({"220 hi", "250-fake\n250 8BITMIME", "221 bye"});
  SessionOptions opts;
  opts.starttls = StartTlsMode::kAlways;
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kStartTls);
  EXPECT_EQ(o.error, "the server does not advertise STARTTLS: 250 fake / 250 8BITMIME");
}

TEST(SmtpClientSession, StartTlsAutoSkipsWhenNotOffered) {
  ScriptedConnection c({"220 hi", "250 fake", "250 ok", "250 ok", "354 go", "250 ok", "221 bye"});
  SessionOptions opts;
  opts.starttls = StartTlsMode::kAuto;
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_FALSE(o.tls);
}

TEST(SmtpClientSession, AuthLoginIsRedactedInTheTranscript) {
  ScriptedConnection c({"220 hi", "250-fake\n250 AUTH LOGIN", "334 VXNlcm5hbWU6",
                        "334 UGFzc3dvcmQ6", "235 ok", "250 ok", "250 ok", "354 go", "250 ok",
                        "221 bye"});
  SessionOptions opts;
  opts.auth_user = "user";
  opts.auth_password = "s3cret";
  std::vector<std::string> seen;
  opts.observer = [&](const TranscriptEntry& e) { seen.push_back(e.text); };
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_TRUE(o.authenticated);
  EXPECT_NE(c.written.find("AUTH LOGIN\r\ndXNlcg==\r\nczNjcmV0\r\n"), std::string::npos);
  std::string all;
  for (const auto& s : seen) all += s + "\n";
  EXPECT_NE(all.find("AUTH LOGIN\n<redacted>\n<redacted>\n"), std::string::npos) << all;
  EXPECT_EQ(all.find("czNjcmV0"), std::string::npos);
  EXPECT_EQ(all.find("dXNlcg=="), std::string::npos);
}

TEST(SmtpClientSession, AuthPlainRefused) {
  ScriptedConnection c({"220 hi", kEhlo, "535 5.7.8 bad credentials", "221 bye"});
  SessionOptions opts;
  opts.auth_user = "user";
  opts.auth_password = "wrong";
  std::vector<std::string> seen;
  opts.observer = [&](const TranscriptEntry& e) { seen.push_back(e.text); };
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kAuth);
  EXPECT_EQ(o.error, "AUTH PLAIN refused: 535 5.7.8 bad credentials");
  EXPECT_EQ(seen[1], "AUTH PLAIN <redacted>");
}

TEST(SmtpClientSession, AuthNotOffered) {
  ScriptedConnection c({"220 hi", "250 fake", "221 bye"});
  SessionOptions opts;
  opts.auth_user = "user";
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), "hi\n");
  EXPECT_EQ(o.failed, SendPhase::kAuth);
  EXPECT_EQ(o.error, "the server does not advertise AUTH: 250 fake");
}

TEST(SmtpClientSession, BdatWhenChunkingAskedAndOffered) {
  ScriptedConnection c(
      {"220 hi", kEhloPipelining, "250 ok", "250 ok", "250 2.0.0 queued as Q1", "221 bye"});
  SessionOptions opts;
  opts.chunking = true;
  SendOutcome o = SmtpClientSession(c, opts).Send(Env(), ".hi\n");
  ASSERT_TRUE(o.ok()) << o.error;
  EXPECT_TRUE(o.chunked);
  EXPECT_NE(c.written.find("RCPT TO:<b@x.test>\r\nBDAT 5 LAST\r\n.hi\r\nQUIT\r\n"),
            std::string::npos)
      << c.written;
}

TEST(SmtpClientSession, FailuresAfterDataAndFinalDot) {
  {
    ScriptedConnection c(
        {"220 hi", "250 fake", "250 ok", "250 ok", "451 4.3.0 try later", "221 bye"});
    SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
    EXPECT_EQ(o.failed, SendPhase::kData);
    EXPECT_EQ(o.error, "DATA refused: 451 4.3.0 try later");
  }
  {
    ScriptedConnection c(
        {"220 hi", "250 fake", "250 ok", "250 ok", "354 go", "554 5.6.0 spam", "221 bye"});
    SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
    EXPECT_EQ(o.failed, SendPhase::kFinal);
    EXPECT_EQ(o.error, "message refused: 554 5.6.0 spam");
  }
  {
    ScriptedConnection c({"220 hi", "250 fake", "553 5.1.8 bad sender", "221 bye"});
    SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
    EXPECT_EQ(o.failed, SendPhase::kMail);
    EXPECT_EQ(o.error, "MAIL FROM refused: 553 5.1.8 bad sender");
  }
  {
    ScriptedConnection c({"220 hi", "250 fake", "250 ok", "250 ok", "354 go"});
    SendOutcome o = SmtpClientSession(c, {}).Send(Env(), "hi\n");
    EXPECT_EQ(o.failed, SendPhase::kFinal);
    EXPECT_EQ(o.error, "no reply after the message: the server closed the connection");
  }
}

}  // namespace
}  // namespace smtp
