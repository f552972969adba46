// ServerSession: AUTH (RFC 4954) with PLAIN and LOGIN, and without it configured.
#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "harness/core/server_session.h"
#include "tests/core/server_session_fixture.h"

namespace smtp {
namespace {

using test::ServerSessionTest;

class AuthTest : public ServerSessionTest {
 protected:
  void SetUp() override { config_.auth.users["alice"] = "s3cret"; }
  static std::string B64(std::string_view s) { return Base64Encode(s); }
};

TEST_F(AuthTest, PlainInitialResponse) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH PLAIN " + B64(std::string("\0alice\0s3cret", 13)) + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(Send("AUTH PLAIN x\r\n"), "503 5.5.1 Already authenticated\r\n");
  Send("MAIL FROM:<a@b.test>\r\nRCPT TO:<c@d.test>\r\nDATA\r\nx\r\n.\r\n");
  EXPECT_EQ(stored_.at(0).auth_user, "alice");
}

TEST_F(AuthTest, PlainChallenge) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH PLAIN\r\n"), "334 \r\n");
  EXPECT_EQ(Send(B64(std::string("alice\0alice\0s3cret", 18)) + "\r\n"),
            "235 2.7.0 Authentication successful\r\n");
}

TEST_F(AuthTest, PlainFailures) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH PLAIN " + B64(std::string("\0alice\0wrong", 12)) + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH PLAIN " + B64(std::string("\0bob\0s3cret", 11)) + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH PLAIN " + B64(std::string("bob\0alice\0s3cret", 16)) + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH PLAIN " + B64("no nuls") + "\r\n"),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH PLAIN !!!!\r\n"), "501 5.5.2 Cannot decode response (not base64)\r\n");
  EXPECT_EQ(Send("AUTH PLAIN =\r\n"), "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH PLAIN\r\n*\r\n"), "334 \r\n501 5.7.0 Authentication cancelled\r\n");
  EXPECT_EQ(Send("AUTH PLAIN *\r\n"), "501 5.7.0 Authentication cancelled\r\n");
}

TEST_F(AuthTest, Login) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH LOGIN\r\n"), "334 VXNlcm5hbWU6\r\n");
  EXPECT_EQ(Send(B64("alice") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(Send(B64("s3cret") + "\r\n"), "235 2.7.0 Authentication successful\r\n");
}

TEST_F(AuthTest, LoginInitialResponseAndFailure) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH LOGIN " + B64("alice") + "\r\n"), "334 UGFzc3dvcmQ6\r\n");
  EXPECT_EQ(Send(B64("nope") + "\r\n"), "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(Send("AUTH LOGIN\r\n*\r\n"),
            "334 VXNlcm5hbWU6\r\n501 5.7.0 Authentication cancelled\r\n");
  EXPECT_EQ(Send("NOOP\r\n"), "250 2.0.0 Ok\r\n");
}

TEST_F(AuthTest, SequenceAndMechanismErrors) {
  Begin();
  EXPECT_EQ(Send("AUTH PLAIN\r\n"), "503 Send EHLO first\r\n");
  Send("HELO c\r\n");
  EXPECT_EQ(Send("AUTH PLAIN\r\n"), "503 Send EHLO first\r\n");
  Ehlo();
  EXPECT_EQ(Send("AUTH CRAM-MD5\r\n"), "504 5.5.4 Unrecognized authentication type\r\n");
  EXPECT_EQ(Send("AUTH\r\n"), "501 5.5.4 Syntax: AUTH mechanism [initial-response]\r\n");
  Send("MAIL FROM:<a@b.test>\r\n");
  EXPECT_EQ(Send("AUTH PLAIN\r\n"), "503 5.5.1 AUTH not allowed during a mail transaction\r\n");
}

TEST_F(AuthTest, Required) {
  config_.auth.required = true;
  Begin();
  Ehlo();
  EXPECT_EQ(Send("MAIL FROM:<a@b.test>\r\n"), "530 5.7.0 Authentication required\r\n");
  Send("AUTH PLAIN " + B64(std::string("\0alice\0s3cret", 13)) + "\r\n");
  EXPECT_EQ(Send("MAIL FROM:<a@b.test> AUTH=<>\r\n"), "250 2.1.0 Sender <a@b.test> OK\r\n");
}

TEST_F(ServerSessionTest, AuthNotConfigured) {
  Begin();
  Ehlo();
  EXPECT_EQ(Send("AUTH PLAIN\r\n"), "502 5.5.1 AUTH not available\r\n");
}

}  // namespace
}  // namespace smtp
