#include "harness/core/not_smtp.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(NotSmtp, RecognisesOtherProtocols) {
  EXPECT_EQ(DescribeNonSmtpPeer("HTTP/1.1 400 Bad Request\r\n"),
            "the server sent an HTTP response: is this the right port?");
  EXPECT_EQ(DescribeNonSmtpPeer("<!DOCTYPE HTML>\n<html>"),
            "the server sent an HTTP response: is this the right port?");
  EXPECT_EQ(DescribeNonSmtpPeer(std::string("\x15\x03\x03\x00\x02\x02\x46", 7)),
            "this port speaks TLS: use smtps:// (implicit TLS) for it");
  EXPECT_EQ(DescribeNonSmtpPeer(std::string("\x16\x03\x01", 3)),
            "this port speaks TLS: use smtps:// (implicit TLS) for it");
  EXPECT_EQ(DescribeNonSmtpPeer("SSH-2.0-OpenSSH_9.2p1\r\n"),
            "the server is an SSH server: is this the right port?");
  EXPECT_EQ(DescribeNonSmtpPeer("+OK POP3 ready\r\n"),
            "the server speaks POP3: is this the right port?");
  EXPECT_EQ(DescribeNonSmtpPeer("* OK [CAPABILITY IMAP4rev1] ready\r\n"),
            "the server speaks IMAP: is this the right port?");
}

TEST(NotSmtp, SmtpAndNothingAreNotJudged) {
  EXPECT_EQ(DescribeNonSmtpPeer("220 mx.example ESMTP\r\n"), "");
  EXPECT_EQ(DescribeNonSmtpPeer("554 5.7.1 go away\r\n"), "");
  EXPECT_EQ(DescribeNonSmtpPeer(""), "");
  EXPECT_EQ(DescribeNonSmtpPeer("H"), "");
}

}  // namespace
}  // namespace smtp
