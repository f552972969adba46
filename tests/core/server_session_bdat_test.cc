// ServerSession: BDAT (RFC 3030 CHUNKING): chunks, LAST, sizes, errors that still consume the
// chunk.
#include <gtest/gtest.h>

#include "harness/core/server_session.h"
#include "tests/core/server_session_fixture.h"

namespace smtp {
namespace {

using test::ServerSessionTest;

TEST_F(ServerSessionTest, Bdat) {
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 5\r\nhel"), "");
  EXPECT_EQ(Send("lo"), "250 2.0.0 5 octets received\r\n");
  EXPECT_EQ(Send("BDAT 7 LAST\r\n\r\n.x\n\xff!"), "250 2.0.0 Message accepted, 12 octets\r\n");
  ASSERT_EQ(stored_.size(), 1u);
  EXPECT_EQ(stored_[0].data, "hello\r\n.x\n\xff!");
  EXPECT_TRUE(stored_[0].chunked);
  EXPECT_EQ(Send("DATA\r\n"), "503 5.5.1 Need MAIL and RCPT before DATA\r\n");
}

TEST_F(ServerSessionTest, BdatZeroLastAndPipelined) {
  Begin();
  Ehlo();
  EXPECT_EQ(
      Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nBDAT 3\r\nabcBDAT 0 LAST\r\nNOOP\r\n"),
      "250 2.1.0 Sender <a@b.test> OK\r\n250 2.1.5 Recipient <c@d.test> OK\r\n"
      "250 2.0.0 3 octets received\r\n250 2.0.0 Message accepted, 3 octets\r\n250 2.0.0 Ok\r\n");
  EXPECT_EQ(stored_.at(0).data, "abc");
}

TEST_F(ServerSessionTest, BdatErrorsStillConsumeTheChunk) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("BDAT 4\r\nQUIT"), "503 5.5.1 Need MAIL and RCPT before BDAT\r\n");
  EXPECT_FALSE(session_->closed());
  Send("MAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Send("BDAT 4 LAST\r\nQUIT"), "554 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(Send("BDAT x\r\n"), "501 5.5.4 Syntax: BDAT size [LAST]\r\n");
  EXPECT_EQ(Send("BDAT 1 FIRST\r\n"), "501 5.5.4 Syntax: BDAT size [LAST]\r\n");
  EXPECT_EQ(Send("BDAT\r\n"), "501 5.5.4 Syntax: BDAT size [LAST]\r\n");
  Send("RCPT TO:<c@d.test>\r\nBDAT 1\r\nx");
  EXPECT_EQ(Send("DATA\r\n"), "503 5.5.1 DATA not allowed after BDAT\r\n");
}

TEST_F(ServerSessionTest, BdatNotAdvertised) {
  config_.extensions = std::vector<std::string>{"PIPELINING"};
  Begin();
  Ehlo();
  EXPECT_EQ(Send("BDAT 4\r\nQUIT"), "502 BDAT not available (CHUNKING not advertised)\r\n");
  EXPECT_FALSE(session_->closed());
}

TEST_F(ServerSessionTest, BdatOverSize) {
  config_.max_message_size = 5;
  Begin();
  Envelope();
  EXPECT_EQ(
      Send("BDAT 4\r\nabcdBDAT 4\r\nefghBDAT 1 LAST\r\ni"),
      "250 2.0.0 4 octets received\r\n552 5.3.4 Message size exceeds fixed maximum message size\r\n"
      "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  EXPECT_TRUE(stored_.empty());
  EXPECT_EQ(Send("RCPT TO:<c@d.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nBDAT 5 LAST\r\n12345"),
            "250 2.1.0 Sender <a@b.test> OK\r\n250 2.1.5 Recipient <c@d.test> OK\r\n"
            "250 2.0.0 Message accepted, 5 octets\r\n");
}

// BDAT sizes take 20 digits, as MAIL SIZE= does. A chunk that would take
// the message over the cap is refused with 552 (not 501), its bytes read and
// dropped as they come, none kept; the next chunk and the LAST one too.
TEST_F(ServerSessionTest, BdatSizesOfUpToTwentyDigits) {
  const std::string k552 = "552 5.3.4 Message size exceeds fixed maximum message size\r\n";
  const std::string k501 = "501 5.5.4 Syntax: BDAT size [LAST]\r\n";
  config_.max_message_size = 1000;
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 100000000000000000000\r\n"), k501);  // 21 digits
  EXPECT_EQ(Send("BDAT 00000000000000000003\r\nabc"), "250 2.0.0 3 octets received\r\n");
  // 19 digits: refused as announced; a megabyte of it is read and dropped.
  EXPECT_EQ(Send("BDAT 1000000000000000000\r\n" + std::string(1 << 20, 'x')), "");
  EXPECT_EQ(session_->state(), ServerSession::State::kBdat);
  EXPECT_EQ(Send("BDAT 5 LAST\r\nhello"), "");  // still inside the chunk
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 18446744073709551616\r\nab"), "");  // past 64 bits
  EXPECT_EQ(session_->state(), ServerSession::State::kBdat);
  // The cap counts what came before: 998 + 3 is over 1000.
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 998\r\n" + std::string(998, 'y')), "250 2.0.0 998 octets received\r\n");
  EXPECT_EQ(Send("BDAT 3\r\nabc"), k552);
  EXPECT_EQ(Send("BDAT 1 LAST\r\nd"), k552);
  EXPECT_TRUE(stored_.empty());
  EXPECT_EQ(Send("RCPT TO:<c@d.test>\r\n"), "503 5.5.1 Need MAIL before RCPT\r\n");
  // No cap: a 20-digit size within 64 bits is taken, one past 64 bits is not.
  config_.max_message_size = 0;
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 99999999999999999999 LAST\r\nabc"), "");
  Begin();
  Envelope();
  EXPECT_EQ(Send("BDAT 10000000000000000000\r\nabc"), "");
  EXPECT_EQ(session_->state(), ServerSession::State::kBdat);
}

}  // namespace
}  // namespace smtp
