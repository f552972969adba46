#include "harness/core/server_session.h"

#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "harness/core/sasl.h"
#include "tests/core/server_session_fixture.h"

namespace smtp {
namespace {

using test::ServerSessionTest;

TEST_F(ServerSessionTest, GreetingDefault) {
  Begin();
  EXPECT_EQ(greeting_, "220 fake.smtp-harness.test ESMTP smtp-harness\r\n");
}

TEST_F(ServerSessionTest, TlsHandshakeOnAPlainPortIsNamedAndClosed) {
  Begin();
  const std::string client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  EXPECT_EQ(Send(client_hello),
            "554 This looks like a TLS handshake, but this port speaks plain SMTP (use "
            "STARTTLS, or the implicit-TLS port)\r\n<CLOSE>");  // no EHLO yet: no 5.7.0
}

TEST_F(ServerSessionTest, TheSameBytesLaterAreJustAnUnknownCommand) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send(std::string("\x16\x03\x01 x\r\n", 7)).substr(0, 4), "500 ");
}

TEST_F(ServerSessionTest, GreetingConfigured) {
  config_.greeting = "mx.example.test ready";
  Begin();
  EXPECT_EQ(greeting_, "220 mx.example.test ready\r\n");
}

TEST_F(ServerSessionTest, EhloAdvertisesDefaults) {
  Begin();
  EXPECT_EQ(Send("EHLO client.test\r\n"),
            "250-fake.smtp-harness.test Hello client.test\r\n250-PIPELINING\r\n"
            "250-SIZE 10485760\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
            "250-SMTPUTF8\r\n250 CHUNKING\r\n");
}

TEST_F(ServerSessionTest, EhloAdvertisesStartTlsAndAuthWhenConfigured) {
  config_.tls.starttls = true;
  config_.auth.users["u"] = "p";
  config_.max_message_size = 0;
  Begin();
  EXPECT_EQ(Send("EHLO c\r\n"),
            "250-fake.smtp-harness.test Hello c\r\n250-PIPELINING\r\n250-SIZE\r\n"
            "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250-CHUNKING\r\n"
            "250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST_F(ServerSessionTest, EhloWithoutSizeWhenNotToAdvertiseIt) {
  config_.advertise_size = false;
  config_.max_message_size = 20;
  Begin();
  EXPECT_EQ(Send("EHLO c\r\n"),
            "250-fake.smtp-harness.test Hello c\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
            "250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n");
  // The limit still holds.
  ASSERT_EQ(Send("MAIL FROM:<a@example.test>\r\n").substr(0, 3), "250");
  ASSERT_EQ(Send("RCPT TO:<b@example.test>\r\n").substr(0, 3), "250");
  ASSERT_EQ(Send("DATA\r\n").substr(0, 3), "354");
  EXPECT_EQ(Send("Subject: too long for twenty bytes\r\n.\r\n").substr(0, 3), "552");
}

TEST_F(ServerSessionTest, EhloCustomExtensionsWithoutEnhancedCodes) {
  config_.extensions = std::vector<std::string>{"PIPELINING", "SIZE 100"};
  Begin();
  EXPECT_EQ(Send("EHLO c\r\n"),
            "250-fake.smtp-harness.test Hello c\r\n250-PIPELINING\r\n250 SIZE 100\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "250 Sender <a@b.test> OK\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "503 Nested MAIL command\r\n");
}

TEST_F(ServerSessionTest, HeloHasNoEnhancedCodes) {
  Begin();
  EXPECT_EQ(Send("HELO client.test\r\n"), "250 fake.smtp-harness.test Hello client.test\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "250 Sender <a@b.test> OK\r\n");
  EXPECT_EQ(Send("NOOP\r\n"), "250 Ok\r\n");
}

TEST_F(ServerSessionTest, HeloSyntax) {
  Begin();
  EXPECT_EQ(Send("HELO\r\n"), "501 Syntax: HELO hostname\r\n");
  EXPECT_EQ(Send("EHLO\r\n"), "501 Syntax: EHLO hostname\r\n");
  EXPECT_EQ(Send("EHLO   \r\n"), "501 Syntax: EHLO hostname\r\n");
  EXPECT_EQ(Send("HELO a b\r\n"), "501 Syntax: HELO hostname\r\n");
}

TEST_F(ServerSessionTest, FullTransaction) {
  Begin();
  Envelope();
  EXPECT_EQ(Send("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(Send("Subject: hi\r\n\r\n..dot\r\nbody\r\n.\r\n"), "250 2.0.0 Ok: queued as 1\r\n");
  ASSERT_EQ(stored_.size(), 1u);
  EXPECT_EQ(stored_[0].data, "Subject: hi\r\n\r\n.dot\r\nbody\r\n");
  EXPECT_EQ(stored_[0].mail_from, "a@example.test");
  EXPECT_EQ(stored_[0].rcpt_to, std::vector<std::string>{"b@example.test"});
  EXPECT_EQ(stored_[0].helo, "127.0.0.1");
  EXPECT_EQ(Send("QUIT\r\n"), "221 2.0.0 fake.smtp-harness.test closing connection\r\n<CLOSE>");
  EXPECT_TRUE(session_->closed());
  EXPECT_EQ(Send("NOOP\r\n"), "");
}

TEST_F(ServerSessionTest, EmptyMessageAndEightBitIntact) {
  Begin();
  Envelope();
  EXPECT_EQ(Send("DATA\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 1\r\n");
  EXPECT_EQ(stored_.at(0).data, "");
  EXPECT_EQ(Send("MAIL FROM:<> BODY=8BITMIME\r\nRCPT TO:<b@c.test>\r\nDATA\r\n"),
            "250 2.1.0 Sender <> OK\r\n250 2.1.5 Recipient <b@c.test> OK\r\n354 End data with "
            "<CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(Send("Gr\xc3\xbc\xc3\x9f\x65\r\n\xff\x01\r\n.\r\n"), "250 2.0.0 Ok: queued as 2\r\n");
  EXPECT_EQ(stored_.at(1).data, "Gr\xc3\xbc\xc3\x9f\x65\r\n\xff\x01\r\n");
  EXPECT_EQ(stored_.at(1).body, "8BITMIME");
  EXPECT_EQ(stored_.at(1).mail_from, "");
}

TEST_F(ServerSessionTest, DataEndSplitAcrossFeeds) {
  Begin();
  Envelope();
  Send("DATA\r\n");
  std::string msg = "line1\r\n.x\r\n.\r\n";
  std::string replies;
  for (char c : msg) replies += Send(std::string(1, c));
  EXPECT_EQ(replies, "250 2.0.0 Ok: queued as 1\r\n");
  EXPECT_EQ(stored_.at(0).data, "line1\r\nx\r\n");
}

TEST_F(ServerSessionTest, PipelinedRepliesInOrder) {
  Begin();
  EXPECT_EQ(Send("EHLO c\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<x@b.test>\r\nRCPT TO:<y@b.test>\r\n"
                 "DATA\r\nhello\r\n.\r\nMAIL FROM:<c@b.test>\r\nRCPT TO:<z@b.test>\r\nDATA\r\n"
                 "second\r\n.\r\nQUIT\r\n")
                .substr(0, 4),
            "250-");
  ASSERT_EQ(stored_.size(), 2u);
  EXPECT_EQ(stored_[0].rcpt_to, (std::vector<std::string>{"x@b.test", "y@b.test"}));
  EXPECT_EQ(stored_[1].data, "second\r\n");
  EXPECT_TRUE(session_->closed());
}

TEST_F(ServerSessionTest, PipelinedReplySequenceExact) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<bad>\r\nRCPT TO:<x@b.test>\r\nDATA\r\n"),
            "250 2.1.0 Sender <a@b.test> OK\r\n"
            "501 5.5.4 address 'bad' has no '@domain'\r\n"
            "250 2.1.5 Recipient <x@b.test> OK\r\n"
            "354 End data with <CR><LF>.<CR><LF>\r\n");
}

TEST_F(ServerSessionTest, SequenceErrors) {
  Begin();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "503 Send HELO/EHLO first\r\n");
  EXPECT_EQ(Send("RCPT TO:<a@b.test>\r\n"), "503 Need MAIL before RCPT\r\n");
  EXPECT_EQ(Send("DATA\r\n"), "503 Need MAIL and RCPT before DATA\r\n");
  Ehlo();
  EXPECT_EQ(Send("RCPT TO:<a@b.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_EQ(Send("DATA\r\n"), "503 5.5.1 Need MAIL and RCPT before DATA\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "250 2.1.0 Sender <a@b.test> OK\r\n");
  EXPECT_EQ(Send("DATA\r\n"), "554 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "503 5.5.1 Nested MAIL command\r\n");
  EXPECT_EQ(Send("RSET\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(Send("RCPT TO:<a@b.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
}

TEST_F(ServerSessionTest, SimpleCommands) {
  Begin();
  EXPECT_EQ(Send("NOOP\r\n"), "250 Ok\r\n");
  Ehlo();
  EXPECT_EQ(Send("NOOP anything\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(Send("noop\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(Send("RSET x\r\n"), "501 5.5.4 Syntax: RSET\r\n");
  EXPECT_EQ(Send("VRFY bob\r\n"),
            "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery\r\n");
  EXPECT_EQ(Send("VRFY\r\n"), "501 5.5.4 Syntax: VRFY address\r\n");
  EXPECT_EQ(Send("EXPN list\r\n"), "502 5.5.1 Command not implemented\r\n");
  EXPECT_EQ(Send("TURN\r\n"), "502 5.5.1 Command not implemented\r\n");
  EXPECT_EQ(Send("FOO bar\r\n"), "500 5.5.2 Syntax error, command unrecognized\r\n");
  EXPECT_EQ(Send("HELP\r\n"),
            "214-2.0.0 Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP\r\n"
            "214 2.0.0 VRFY QUIT HELP STARTTLS AUTH\r\n");
  EXPECT_EQ(Send("QUIT now\r\n"), "501 5.5.4 Syntax: QUIT\r\n");
  EXPECT_EQ(Send("DATA x\r\n"), "501 5.5.4 Syntax: DATA\r\n");
}

TEST_F(ServerSessionTest, GarbageLines) {
  Begin();
  Ehlo();
  for (std::string bad : {"\r\n", " MAIL\r\n", "12345\r\n", "MA1L FROM:<a@b>\r\n", "\x01\x02\r\n",
                          "\xff\xfe\r\n", "MAIL:FROM\r\n"}) {
    EXPECT_EQ(Send(bad), "500 5.5.2 Syntax error, command unrecognized\r\n") << bad;
  }
  EXPECT_EQ(Send("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST_F(ServerSessionTest, LineEndingPolicy) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("NOOP\n"), "500 5.5.2 Bare LF not allowed, end lines with CRLF\r\n");
  EXPECT_EQ(Send("NO\rOP\r\n"), "500 5.5.2 Bare CR not allowed in a command\r\n");
  EXPECT_EQ(Send("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST_F(ServerSessionTest, BareLfAcceptedWhenConfigured) {
  config_.accept_bare_lf = true;
  Begin();
  EXPECT_EQ(Send("HELO c\nMAIL FROM:<a@b.test>\nRCPT TO:<c@d.test>\nDATA\nhi\n.\n"),
            "250 fake.smtp-harness.test Hello c\r\n250 Sender <a@b.test> OK\r\n"
            "250 Recipient <c@d.test> OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
            "250 Ok: queued as 1\r\n");
  EXPECT_EQ(stored_.at(0).data, "hi\n");
}

TEST_F(ServerSessionTest, BareLfInDataRejectedAndDotLfDoesNotEndData) {
  Begin();
  Envelope();
  Send("DATA\r\n");
  EXPECT_EQ(Send("a\n.\nMAIL FROM:<evil@x.test>\r\n.\r\n"),
            "554 5.6.0 Message refused: bare <LF> (\\n) in message data, end lines with "
            "<CR><LF>\r\n");
  EXPECT_TRUE(stored_.empty());
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "250 2.1.0 Sender <a@b.test> OK\r\n");
}

TEST_F(ServerSessionTest, CommandLineLimit) {
  Begin();
  Ehlo();
  std::string ok = "NOOP " + std::string(505, 'x') + "\r\n";  // 512 with CRLF
  EXPECT_EQ(Send(ok), "250 2.0.0 Ok\r\n");
  std::string too_long = "NOOP " + std::string(506, 'x') + "\r\n";
  EXPECT_EQ(Send(too_long), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(Send("NOOP\r\n"), "250 2.0.0 Ok\r\n");
  // A line with no end at all is answered once it passes the limit.
  EXPECT_EQ(Send(std::string(600, 'A')), "500 5.5.2 Line too long\r\n");
  EXPECT_EQ(Send(std::string(600, 'A') + "\r\nNOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST_F(ServerSessionTest, TextLineLimit) {
  Begin();
  Envelope();
  Send("DATA\r\n");
  EXPECT_EQ(Send(std::string(998, 'a') + "\r\n.\r\n"), "250 2.0.0 Ok: queued as 1\r\n");
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n");
  EXPECT_EQ(Send(std::string(999, 'a') + "\r\nok\r\n.\r\n"),
            "500 5.5.2 Line too long (text lines: 1000 octets)\r\n");
  EXPECT_EQ(stored_.size(), 1u);
  EXPECT_EQ(Send("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST_F(ServerSessionTest, MailSyntaxErrors) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("MAIL\r\n"), "501 5.5.4 expected FROM:<address>, got ''\r\n");
  EXPECT_EQ(Send("MAIL TO:<a@b.test>\r\n"),
            "501 5.5.4 expected FROM:<address>, got 'TO:<a@b.test>'\r\n");
  EXPECT_EQ(Send("MAIL FROM:a@b.test\r\n"),
            "501 5.5.4 expected '<' to open the path in 'FROM:a@b.test'\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test\r\n"),
            "501 5.5.4 missing '>' to close the path in 'FROM:<a@b.test'\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a>\r\n"), "501 5.5.4 address 'a' has no '@domain'\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> FOO=1\r\n"),
            "555 5.5.4 MAIL parameter FOO not recognized\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> BODY=BINARYMIME\r\n"),
            "501 5.5.4 BODY must be 7BIT or 8BITMIME\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> SIZE=abc\r\n"),
            "501 5.5.4 SIZE value must be a number of 1 to 20 digits (RFC 1870)\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> SMTPUTF8=yes\r\n"), "501 5.5.4 SMTPUTF8 takes no value\r\n");
  EXPECT_EQ(Send("MAIL FROM:<j\xc3\xb6@b.test>\r\n"),
            "553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  EXPECT_EQ(Send("MAIL FROM:<j\xc3\xb6@b.test> SMTPUTF8\r\n"),
            "250 2.1.0 Sender <j\xc3\xb6@b.test> OK\r\n");
  EXPECT_EQ(Send("RCPT TO:<\xc3\xa9@b.test>\r\n"), "250 2.1.5 Recipient <\xc3\xa9@b.test> OK\r\n");
}

TEST_F(ServerSessionTest, ParamsNeedEhlo) {
  Begin();
  Send("HELO c\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> SIZE=10\r\n"), "555 MAIL parameters need EHLO\r\n");
}

TEST_F(ServerSessionTest, RcptErrors) {
  Begin();
  Ehlo();
  Send("MAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Send("RCPT TO:<>\r\n"), "501 5.5.4 empty path <> is not allowed in RCPT TO\r\n");
  EXPECT_EQ(Send("RCPT FROM:<a@b.test>\r\n"),
            "501 5.5.4 expected TO:<address>, got 'FROM:<a@b.test>'\r\n");
  EXPECT_EQ(Send("RCPT TO:<a@b.test> NOTIFY=NEVER\r\n"),
            "555 5.5.4 RCPT parameter NOTIFY not recognized\r\n");
  EXPECT_EQ(Send("RCPT TO:<\xc3\xa9@b.test>\r\n"),
            "553 5.6.7 Non-ASCII address needs SMTPUTF8\r\n");
  EXPECT_EQ(Send("RCPT TO:<Postmaster>\r\n"), "250 2.1.5 Recipient <Postmaster> OK\r\n");
}

TEST_F(ServerSessionTest, MaxRecipients) {
  config_.max_recipients = 2;
  Begin();
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<1@b.test>\r\nRCPT TO:<2@b.test>\r\nRCPT "
                 "TO:<3@b.test>\r\n"),
            "250 2.1.0 Sender <a@b.test> OK\r\n250 2.1.5 Recipient <1@b.test> OK\r\n"
            "250 2.1.5 Recipient <2@b.test> OK\r\n452 4.5.3 Too many recipients\r\n");
  EXPECT_EQ(Send("DATA\r\nx\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 1\r\n");
  EXPECT_EQ(stored_.at(0).rcpt_to.size(), 2u);
}

TEST_F(ServerSessionTest, SizeLimits) {
  config_.max_message_size = 20;
  Begin();
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> SIZE=21\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> SIZE=20\r\n"), "250 2.1.0 Sender <a@b.test> OK\r\n");
  Send("RCPT TO:<c@d.test>\r\nDATA\r\n");
  EXPECT_EQ(Send("0123456789\r\n0123456789\r\n.\r\n"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_TRUE(stored_.empty());
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\n");
  EXPECT_EQ(Send("0123456789\r\n012345\r\n.\r\n"), "250 2.0.0 Ok: queued as 1\r\n");
}

// RFC 1870 §3: size-value = 1*20DIGIT. 19 and 20 digits are numbers (552
// when over the cap, values past 64 bits included), 21 are a syntax error.
TEST_F(ServerSessionTest, SizeValuesOfUpToTwentyDigits) {
  const std::string k552 = "552 5.3.4 Message size exceeds fixed maximum message size\r\n";
  const std::string k501 = "501 5.5.4 SIZE value must be a number of 1 to 20 digits (RFC 1870)\r\n";
  const std::string k250 = "250 2.1.0 Sender <a@b.test> OK\r\n";
  auto mail = [&](const std::string& size) {
    std::string reply = Send("MAIL FROM:<a@b.test> SIZE=" + size + "\r\n");
    if (reply.rfind("250", 0) == 0) Send("RSET\r\n");
    return reply;
  };
  config_.max_message_size = 10 * 1024 * 1024;
  Begin();
  Ehlo();
  EXPECT_EQ(mail("0000000000000010485760"), k501);  // 22 digits, whatever their value
  EXPECT_EQ(mail("00000000000010485760"), k250);    // 20 digits, under the cap
  EXPECT_EQ(mail("1000000000000000000"), k552);     // 19 digits
  EXPECT_EQ(mail("18446744073709551615"), k552);    // UINT64_MAX
  EXPECT_EQ(mail("18446744073709551616"), k552);    // one past 64 bits
  EXPECT_EQ(mail("99999999999999999999"), k552);    // the largest 20 digits
  EXPECT_EQ(mail("100000000000000000000"), k501);   // 21 digits
  EXPECT_EQ(mail("1e9"), k501);

  // No cap: every 64-bit value is accepted; past 64 bits still is too big.
  config_.max_message_size = 0;
  Begin();
  Ehlo();
  EXPECT_EQ(mail("9999999999999999999"), k250);
  EXPECT_EQ(mail("18446744073709551615"), k250);
  EXPECT_EQ(mail("18446744073709551616"), k552);
  EXPECT_EQ(mail("99999999999999999999"), k552);
  EXPECT_EQ(mail("100000000000000000000"), k501);
}

TEST_F(ServerSessionTest, StoreFailureAnswers451) {
  fail_store_ = true;
  Begin();
  Envelope();
  EXPECT_EQ(
      Send("DATA\r\nx\r\n.\r\n"),
      "354 End data with <CR><LF>.<CR><LF>\r\n451 4.3.0 Could not store message: disk full\r\n");
  EXPECT_EQ(Send("RCPT TO:<c@d.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
}

TEST_F(ServerSessionTest, RsetAndEhloResetTransaction) {
  Begin();
  Envelope();
  EXPECT_EQ(Send("RSET\r\n"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(Send("DATA\r\n"), "503 5.5.1 Need MAIL and RCPT before DATA\r\n");
  Envelope();
  Ehlo();
  EXPECT_EQ(Send("DATA\r\n"), "503 5.5.1 Need MAIL and RCPT before DATA\r\n");
}

TEST_F(ServerSessionTest, StartTls) {
  config_.tls.starttls = true;
  Begin();
  EXPECT_EQ(Send("STARTTLS\r\n"), "503 Send EHLO first\r\n");
  Ehlo();
  EXPECT_EQ(Send("STARTTLS x\r\n"), "501 5.5.4 Syntax: STARTTLS\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\nSTARTTLS\r\nMAIL FROM:<injected@x.test>\r\n"),
            "250 2.1.0 Sender <a@b.test> OK\r\n220 2.0.0 Ready to start TLS\r\n<STARTTLS>");
  EXPECT_EQ(session_->state(), ServerSession::State::kStartingTls);
  session_->TlsStarted();
  EXPECT_TRUE(session_->tls());
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "503 Send HELO/EHLO first\r\n");
  std::string ehlo = Send("EHLO c\r\n");
  EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(Send("STARTTLS\r\n"), "503 5.5.1 TLS already active\r\n");
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nx\r\n.\r\n");
  ASSERT_EQ(stored_.size(), 1u);
  EXPECT_TRUE(stored_[0].tls);
}

TEST_F(ServerSessionTest, StartTlsNotConfigured) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("STARTTLS\r\n"), "502 5.5.1 STARTTLS not available\r\n");
}

TEST_F(ServerSessionTest, TimeoutAndShutdown) {
  Begin();
  EXPECT_EQ(Render(session_->IdleTimeout()),
            "421 fake.smtp-harness.test Error: timeout exceeded\r\n<CLOSE>");
  Begin();
  Ehlo();
  EXPECT_EQ(Render(session_->Shutdown()),
            "421 4.3.2 fake.smtp-harness.test Service shutting down\r\n<CLOSE>");
  EXPECT_EQ(Render(session_->Shutdown()), "");
}

// --- rules ---

FaultRule Rule(std::string when, std::optional<std::string> reply) {
  FaultRule r;
  r.when = std::move(when);
  r.reply = std::move(reply);
  return r;
}

TEST_F(ServerSessionTest, RuleReplacesReplyAndSkipsCommand) {
  Begin({Rule("RCPT TO:<bad@*", "550 5.1.1 No such user")});
  Ehlo();
  Send("MAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Send("RCPT TO:<bad@d.test>\r\n"), "550 5.1.1 No such user\r\n");
  EXPECT_EQ(Send("DATA\r\n"), "554 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(Send("rcpt to:<BAD@d.test>\r\n"), "550 5.1.1 No such user\r\n");
}

TEST_F(ServerSessionTest, RuleGreylistingAcrossSessions) {
  auto r = Rule("RCPT TO:*", "450 4.2.0 Greylisted, try again");
  r.times = 1;
  Begin({r});
  Ehlo();
  Send("MAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Send("RCPT TO:<c@d.test>\r\n"), "450 4.2.0 Greylisted, try again\r\n");
  // A new session on the same server (same RuleBook): accepted.
  ServerSession second(config_, nullptr, rules_);
  second.Start();
  second.Feed("EHLO c\r\nMAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Render(second.Feed("RCPT TO:<c@d.test>\r\n")), "250 2.1.5 Recipient <c@d.test> OK\r\n");
}

TEST_F(ServerSessionTest, RuleNth) {
  auto r = Rule("NOOP", "421 4.3.0 Third time");
  r.nth = 3;
  r.action = FaultRule::Action::kDisconnect;
  Begin({r});
  Ehlo();
  EXPECT_EQ(Send("NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n"),
            "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n421 4.3.0 Third time\r\n<CLOSE>");
}

TEST_F(ServerSessionTest, RuleRegexAndOrder) {
  Begin({Rule("/^MAIL FROM:<spam/", "550 5.7.1 Spam"), Rule("MAIL*", "451 4.3.0 Later")});
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<spammer@x.test>\r\n"), "550 5.7.1 Spam\r\n");
  EXPECT_EQ(Send("MAIL FROM:<ok@x.test>\r\n"), "451 4.3.0 Later\r\n");
}

TEST_F(ServerSessionTest, RuleBadRegexIsAnError) {
  auto book = RuleBook::Create({Rule("/([/", "550 x")});
  ASSERT_FALSE(book.ok());
  EXPECT_EQ(book.status().message().substr(0, 28), "rule 1: invalid regex /([/: ");
}

TEST_F(ServerSessionTest, RulePositiveReplyKeepsEffect) {
  Begin({Rule("MAIL*", "250 2.1.0 Fine by me")});
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "250 2.1.0 Fine by me\r\n");
  EXPECT_EQ(Send("RCPT TO:<c@d.test>\r\n"), "250 2.1.5 Recipient <c@d.test> OK\r\n");
}

TEST_F(ServerSessionTest, RuleDelayWithoutReplyAttachesRule) {
  auto r = Rule("DATA", std::nullopt);
  r.delay = Duration(250);
  Begin({r});
  Envelope();
  auto outs = session_->Feed("DATA\r\n");
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(outs[0].wire, "354 End data with <CR><LF>.<CR><LF>\r\n");
  ASSERT_NE(outs[0].rule, nullptr);
  EXPECT_EQ(outs[0].rule->delay, Duration(250));
}

TEST_F(ServerSessionTest, RuleMultiLineReply) {
  Begin({Rule("EHLO *", "250-mx hi\n250 SIZE 10")});
  EXPECT_EQ(Send("EHLO c\r\n"), "250-mx hi\r\n250 SIZE 10\r\n");
}

TEST_F(ServerSessionTest, RuleDropInData) {
  auto r = Rule("DATA", std::nullopt);
  r.action = FaultRule::Action::kDropInData;
  r.after_bytes = 10;
  Begin({r});
  Envelope();
  EXPECT_EQ(Send("DATA\r\n"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  EXPECT_EQ(Send("12345\r\n"), "");
  EXPECT_EQ(Send("6789\r\n.\r\n"), "<CLOSE>");
  EXPECT_TRUE(stored_.empty());
}

TEST_F(ServerSessionTest, RuleOnConnect) {
  FaultRule r = Rule("", "554 5.3.2 No service");
  r.on = FaultRule::On::kConnect;
  Begin({r});
  EXPECT_EQ(greeting_, "554 5.3.2 No service\r\n");
  EXPECT_EQ(Send("EHLO c\r\n"), "503 Bad sequence of commands\r\n");
  EXPECT_EQ(Send("QUIT\r\n"), "221 fake.smtp-harness.test closing connection\r\n<CLOSE>");
}

TEST_F(ServerSessionTest, RuleOnConnectDisconnect) {
  FaultRule r = Rule("127.0.0.1:*", "421 4.3.2 Busy");
  r.on = FaultRule::On::kConnect;
  r.action = FaultRule::Action::kDisconnect;
  Begin({r});
  EXPECT_EQ(greeting_, "421 4.3.2 Busy\r\n<CLOSE>");
}

TEST_F(ServerSessionTest, RuleOnNthMessage) {
  FaultRule r = Rule("", "421 4.3.0 Too many messages");
  r.on = FaultRule::On::kMessage;
  r.nth = 2;
  r.action = FaultRule::Action::kDisconnect;
  Begin({r});
  Envelope();
  EXPECT_EQ(Send("DATA\r\none\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 1\r\n");
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\n");
  EXPECT_EQ(Send("DATA\r\ntwo\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n421 4.3.0 Too many messages\r\n<CLOSE>");
  EXPECT_EQ(stored_.size(), 1u);
}

TEST_F(ServerSessionTest, RuleOnMessageMatchesContent) {
  FaultRule r = Rule("*VIRUS*", "554 5.7.1 Infected");
  r.on = FaultRule::On::kMessage;
  Begin({r});
  Envelope();
  EXPECT_EQ(Send("DATA\r\nthis has a VIRUS\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n554 5.7.1 Infected\r\n");
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\n");
  EXPECT_EQ(Send("DATA\r\nclean\r\n.\r\n"),
            "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as 1\r\n");
}

TEST(SaslTest, Base64RoundTripAndStrictness) {
  for (std::string s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(Base64DecodeStrict(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Encode("Username:"), "VXNlcm5hbWU6");
  EXPECT_FALSE(Base64DecodeStrict("abc"));
  EXPECT_FALSE(Base64DecodeStrict("ab=c"));
  EXPECT_FALSE(Base64DecodeStrict("a==="));
  EXPECT_FALSE(Base64DecodeStrict("ab!c"));
  EXPECT_FALSE(Base64DecodeStrict("YQ==YQ=="));
  EXPECT_TRUE(sasl::ParsePlain(std::string("\0u\0p", 4)));
  EXPECT_FALSE(sasl::ParsePlain(std::string("\0\0p", 3)));
  EXPECT_FALSE(sasl::ParsePlain(std::string("a\0b\0c\0d", 7)));
}

// Found by the hostile-input tests: a NUL or ESC in the HELO name was echoed
// back in the 250 reply.
TEST_F(ServerSessionTest, HeloNameWithControlBytesIsRefusedNotEchoed) {
  Begin();
  EXPECT_EQ(Send(std::string("EHLO a\0b\r\n", 10)), "501 Invalid character in hostname\r\n");
  EXPECT_EQ(Send("HELO a\x1b[2Jb\r\n"), "501 Invalid character in hostname\r\n");
  EXPECT_EQ(session_->state(), ServerSession::State::kConnected);
  EXPECT_EQ(Send("EHLO caf\xc3\xa9.test\r\n").substr(0, 4), "250-");  // UTF-8 is fine
}

}  // namespace
}  // namespace smtp
