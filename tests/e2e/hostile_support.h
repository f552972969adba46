// Shared pieces of the hostile_*_test.cc attack tests: a normal session that
// must still complete promptly while the server is under attack, and a check
// that a byte string holds nothing but SMTP reply lines.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "tests/support/tcp_client.h"

namespace smtp::e2e {

using smtp::testing::Clock;
using smtp::testing::PeakRssKiB;
using smtp::testing::RaiseFdLimit;
using smtp::testing::TcpClient;

// A whole mail transaction over a fresh connection; fails the test if any
// reply is not as expected or the session takes more than `limit`.
inline void NormalSessionCompletes(int port, const std::string& tag = "normal",
                                   std::chrono::milliseconds limit = std::chrono::seconds(5),
                                   const char* from = nullptr) {
  using std::chrono::seconds;
  auto t0 = Clock::now();
  TcpClient c(port, from);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c.ReadReply().substr(0, 4), "220 ");
  c.Send("EHLO 127.0.0.1\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "250-");
  c.Send("MAIL FROM:<a@example.test>\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "250 ");
  c.Send("RCPT TO:<b@example.test>\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "250 ");
  c.Send("DATA\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "354 ");
  c.Send("Subject: " + tag + "\r\n\r\nstill here\r\n.\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "250 ");
  c.Send("QUIT\r\n");
  ASSERT_EQ(c.ReadReply().substr(0, 4), "221 ");
  EXPECT_TRUE(c.ReadUntilClose(seconds(5)));
  EXPECT_LT(Clock::now() - t0, limit) << "a normal session (" << tag << ") took too long";
}

// Every line the server sent is a well-formed reply line.
inline void ExpectOnlyReplyLines(const std::string& received) {
  // [2-5][0-9][0-9][ -] then anything but CR and LF
  auto is_reply_line = [](const std::string& l) {
    return l.size() >= 4 && l[0] >= '2' && l[0] <= '5' && std::isdigit((unsigned char)l[1]) &&
           std::isdigit((unsigned char)l[2]) && (l[3] == ' ' || l[3] == '-') &&
           l.find_first_of("\r\n") == std::string::npos;
  };
  size_t start = 0;
  while (start < received.size()) {
    size_t eol = received.find("\r\n", start);
    ASSERT_NE(eol, std::string::npos) << "unterminated reply: " << received.substr(start, 80);
    std::string line = received.substr(start, eol - start);
    EXPECT_TRUE(is_reply_line(line)) << "not a reply line: " << line.substr(0, 80);
    start = eol + 2;
  }
}

}  // namespace smtp::e2e
