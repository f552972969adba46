// Table of single commands in each session state with the exact reply: the
// RFC 5321 sequence and syntax errors, one row each.
#include <gtest/gtest.h>

#include "harness/core/server_session.h"

namespace smtp {
namespace {

struct Row {
  const char* state;  // "fresh", "helo", "ehlo", "mail", "rcpt"
  const char* line;   // sent with CRLF
  const char* reply;  // expected, CRLF per line
};

std::string Prefix(const std::string& state) {
  if (state == "fresh") return "";
  if (state == "helo") return "HELO 127.0.0.1\r\n";
  std::string s = "EHLO 127.0.0.1\r\n";
  if (state == "ehlo") return s;
  s += "MAIL FROM:<a@example.test>\r\n";
  if (state == "mail") return s;
  return s + "RCPT TO:<b@example.test>\r\n";
}

class ServerSessionTable : public ::testing::TestWithParam<Row> {};

TEST_P(ServerSessionTable, Reply) {
  const Row& row = GetParam();
  FakeServerConfig config;
  config.max_message_size = 1000;
  ServerSession session(config, [](const ServerTransaction&) { return Status::Ok(); });
  session.Start();
  session.Feed(Prefix(row.state));
  std::string got;
  for (const auto& o : session.Feed(std::string(row.line) + "\r\n")) {
    if (o.kind == ServerOutput::Kind::kReply) got += o.wire;
    if (o.kind == ServerOutput::Kind::kClose) got += "<CLOSE>";
  }
  std::string want = row.reply;
  if (want.size() < 7 || want.substr(want.size() - 7) != "<CLOSE>") want += "\r\n";
  EXPECT_EQ(got, want) << row.state << " | " << row.line;
}

const Row kRows[] = {
    // Sequence (RFC 5321 §4.1.4, §3.3).
    {"fresh", "MAIL FROM:<a@b.test>", "503 Send HELO/EHLO first"},
    {"fresh", "RCPT TO:<a@b.test>", "503 Need MAIL before RCPT"},
    {"fresh", "DATA", "503 Need MAIL and RCPT before DATA"},
    {"fresh", "RSET", "250 Ok"},
    {"fresh", "NOOP", "250 Ok"},
    {"fresh", "VRFY x", "252 Cannot VRFY user, but will accept message and attempt delivery"},
    {"fresh", "QUIT", "221 fake.smtp-harness.test closing connection\r\n<CLOSE>"},
    {"fresh", "STARTTLS", "502 STARTTLS not available"},
    {"fresh", "AUTH PLAIN", "502 AUTH not available"},
    {"helo", "RCPT TO:<a@b.test>", "503 Need MAIL before RCPT"},
    {"helo", "DATA", "503 Need MAIL and RCPT before DATA"},
    {"helo", "MAIL FROM:<a@b.test> BODY=8BITMIME", "555 MAIL parameters need EHLO"},
    {"helo", "MAIL FROM:<>", "250 Sender <> OK"},
    {"ehlo", "RCPT TO:<a@b.test>", "503 5.5.1 Need MAIL before RCPT"},
    {"ehlo", "DATA", "503 5.5.1 Need MAIL and RCPT before DATA"},
    {"ehlo", "BDAT 0 LAST", "503 5.5.1 Need MAIL and RCPT before BDAT"},
    {"mail", "MAIL FROM:<c@b.test>", "503 5.5.1 Nested MAIL command"},
    {"mail", "DATA", "554 5.5.1 No valid recipients"},
    {"mail", "BDAT 0 LAST", "554 5.5.1 No valid recipients"},
    {"mail", "RSET", "250 2.0.0 Ok"},
    {"rcpt", "MAIL FROM:<c@b.test>", "503 5.5.1 Nested MAIL command"},
    {"rcpt", "DATA", "354 End data with <CR><LF>.<CR><LF>"},
    {"rcpt", "BDAT 0 LAST", "250 2.0.0 Message accepted, 0 octets"},
    {"rcpt", "RCPT TO:<c@b.test>", "250 2.1.5 Recipient <c@b.test> OK"},
    {"rcpt", "EHLO again.test",
     "250-fake.smtp-harness.test Hello again.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
     "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250 CHUNKING"},
    {"rcpt", "HELO again.test", "250 fake.smtp-harness.test Hello again.test"},
    // Syntax (501), unknown (500), unimplemented (502).
    {"ehlo", "MAIL", "501 5.5.4 expected FROM:<address>, got ''"},
    {"ehlo", "MAIL FROM:", "501 5.5.4 expected '<' to open the path in 'FROM:'"},
    {"ehlo", "MAIL FROM:<>>", "501 5.5.4 expected a space before parameter at '>'"},
    {"ehlo", "MAIL FROM:<a@>", "501 5.5.4 empty domain"},
    {"ehlo", "MAIL FROM:<@b.test>", "501 5.5.4 source route without ':' in '@b.test'"},
    {"ehlo", "MAIL FROM:<\"a@b.test>",
     "501 5.5.4 missing '>' to close the path in 'FROM:<\"a@b.test>'"},
    {"ehlo", "MAIL FROM:<a b@c.test>",
     "501 5.5.4 invalid character ' ' in local part 'a b' (quote it)"},
    {"ehlo", "MAIL FROM:<a@b..test>", "501 5.5.4 empty label in domain 'b..test'"},
    {"ehlo", "MAIL FROM:<a@-b.test>",
     "501 5.5.4 domain label may not start or end with '-' in '-b.test'"},
    {"ehlo", "MAIL FROM:<\"a b\"@c.test>", "250 2.1.0 Sender <\"a b\"@c.test> OK"},
    {"ehlo", "MAIL FROM:<a@[127.0.0.1]>", "250 2.1.0 Sender <a@[127.0.0.1]> OK"},
    {"ehlo", "MAIL FROM:<@r1.test,@r2.test:a@b.test>", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM: <a@b.test>", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "mail from:<a@b.test>", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=1000", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=1001",
     "552 5.3.4 Message size exceeds fixed maximum message size"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=", "501 5.5.4 empty value for parameter SIZE"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=-1",
     "501 5.5.4 SIZE value must be a number of 1 to 20 digits (RFC 1870)"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=99999999999999999999",
     "552 5.3.4 Message size exceeds fixed maximum message size"},
    {"ehlo", "MAIL FROM:<a@b.test> SIZE=999999999999999999999",
     "501 5.5.4 SIZE value must be a number of 1 to 20 digits (RFC 1870)"},
    {"ehlo", "MAIL FROM:<a@b.test> BODY=7BIT", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM:<a@b.test> body=8bitmime", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM:<a@b.test> BODY=BINARYMIME", "501 5.5.4 BODY must be 7BIT or 8BITMIME"},
    {"ehlo", "MAIL FROM:<a@b.test> SMTPUTF8", "250 2.1.0 Sender <a@b.test> OK"},
    {"ehlo", "MAIL FROM:<a@b.test> RET=FULL", "555 5.5.4 MAIL parameter RET not recognized"},
    {"ehlo", "MAIL FROM:<a@b.test> AUTH=<>", "555 5.5.4 MAIL parameter AUTH not recognized"},
    {"mail", "RCPT", "501 5.5.4 expected TO:<address>, got ''"},
    {"mail", "RCPT TO:<a>", "501 5.5.4 address 'a' has no '@domain'"},
    {"mail", "RCPT TO:<postmaster>", "250 2.1.5 Recipient <postmaster> OK"},
    {"mail", "RCPT TO:<a@b.test> ORCPT=rfc822;a@b.test",
     "555 5.5.4 RCPT parameter ORCPT not recognized"},
    {"ehlo", "DATA now", "501 5.5.4 Syntax: DATA"},
    {"ehlo", "RSET all", "501 5.5.4 Syntax: RSET"},
    {"ehlo", "QUIT please", "501 5.5.4 Syntax: QUIT"},
    {"ehlo", "VRFY", "501 5.5.4 Syntax: VRFY address"},
    {"ehlo", "EXPN staff", "502 5.5.1 Command not implemented"},
    {"ehlo", "ETRN example.test", "502 5.5.1 Command not implemented"},
    {"ehlo", "ATRN", "502 5.5.1 Command not implemented"},
    {"ehlo", "SEND FROM:<a@b.test>", "502 5.5.1 Command not implemented"},
    {"ehlo", "SOML FROM:<a@b.test>", "502 5.5.1 Command not implemented"},
    {"ehlo", "SAML FROM:<a@b.test>", "502 5.5.1 Command not implemented"},
    {"ehlo", "TURN", "502 5.5.1 Command not implemented"},
    {"ehlo", "XYZZY", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", "GET / HTTP/1.1", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", "", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", " NOOP", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", "NOOP\tx", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", "N00P", "500 5.5.2 Syntax error, command unrecognized"},
    {"ehlo", "BDAT", "501 5.5.4 Syntax: BDAT size [LAST]"},
    {"ehlo", "BDAT -1", "501 5.5.4 Syntax: BDAT size [LAST]"},
    {"ehlo", "BDAT 1 LAST extra", "501 5.5.4 Syntax: BDAT size [LAST]"},
    {"ehlo", "STARTTLS", "502 5.5.1 STARTTLS not available"},
    {"ehlo", "AUTH LOGIN", "502 5.5.1 AUTH not available"},
    {"fresh", "HELO", "501 Syntax: HELO hostname"},
    {"fresh", "EHLO", "501 Syntax: EHLO hostname"},
    {"fresh", "EHLO [127.0.0.1]",
     "250-fake.smtp-harness.test Hello [127.0.0.1]\r\n250-PIPELINING\r\n250-SIZE 1000\r\n"
     "250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250-SMTPUTF8\r\n250 CHUNKING"},
};

INSTANTIATE_TEST_SUITE_P(Rfc5321, ServerSessionTable, ::testing::ValuesIn(kRows));

}  // namespace
}  // namespace smtp
