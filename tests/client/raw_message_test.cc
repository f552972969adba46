#include "harness/client/raw_message.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(RawMessage, LinesThatFitGoOutAsTheyAre) {
  const std::string m = "Subject: x\nFrom: a@b.test\n\n" + std::string(998, 'a') + "\n";
  auto r = FitRawMessage(m);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->message, m);  // not even the line endings: the session does those
  EXPECT_EQ(r->note, "");
}

TEST(RawMessage, ALongBodyLineGoesOutQuotedPrintable) {
  const std::string long_line(1200, 'x');
  auto r = FitRawMessage("Subject: x\r\nContent-Transfer-Encoding: 8bit\r\n\r\nshort\r\n" +
                         long_line + "\r\nend =\r\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::string& m = r->message;
  EXPECT_EQ(m.substr(0, m.find("\r\n\r\n") + 4),
            "Subject: x\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: "
            "quoted-printable\r\n\r\n");
  size_t longest = 0;
  for (size_t pos = 0; pos < m.size();) {
    size_t eol = m.find("\r\n", pos);
    longest = std::max(longest, eol - pos);
    pos = eol + 2;
  }
  EXPECT_LE(longest, 76u);
  EXPECT_NE(m.find("\r\nend =3D\r\n"), std::string::npos) << m;
  EXPECT_EQ(r->note,
            "line 5 of the message is 1202 octets with its CRLF, longer than the 1000 SMTP "
            "allows (RFC 5321 4.5.3.1.6): the body goes out quoted-printable");
}

TEST(RawMessage, WhatCannotBeReencodedIsAnErrorNamingTheLine) {
  const std::string long_line(1000, 'y');
  auto header = FitRawMessage("Subject: " + long_line + "\n\nbody\n");
  ASSERT_FALSE(header.ok());
  EXPECT_EQ(header.status().message(),
            "line 1 of the message is 1011 octets with its CRLF, longer than the 1000 SMTP "
            "allows (RFC 5321 4.5.3.1.6), and it is a header line: fold it (RFC 5322 2.2.3)");
  auto multipart = FitRawMessage("Content-Type: multipart/mixed; boundary=b\n\n--b\n\n" +
                                 long_line + "\n--b--\n");
  ASSERT_FALSE(multipart.ok());
  EXPECT_NE(multipart.status().message().find("the message is multipart/mixed"), std::string::npos);
  auto encoded = FitRawMessage("Content-Transfer-Encoding: base64\n\n" + long_line + "\n");
  ASSERT_FALSE(encoded.ok());
  EXPECT_NE(encoded.status().message().find("its body is already base64"), std::string::npos);
}

}  // namespace
}  // namespace smtp
