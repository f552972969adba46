// `send` against aiosmtpd (python3-aiosmtpd, started by ci/aiosmtpd): a
// server we did not write, with STARTTLS, implicit TLS and AUTH. Skipped
// when AIOSMTPD_SMTP is not set, unless SMTP_HARNESS_REQUIRE_REAL_SERVERS=1.
#include <gtest/gtest.h>

#include <random>

#include "tests/e2e/send_support.h"

namespace smtp::send_e2e {
namespace {

std::string UniqueToken() {
  std::random_device rd;
  return "tok" + std::to_string(rd()) + std::to_string(getpid());
}

// The stored message (DIR/msg-N.eml) that contains `token`; waits briefly.
std::string FindStored(const std::string& dir, const std::string& token) {
  for (int i = 0; i < 50; ++i) {
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() != ".eml") continue;
      std::string content = ReadAll(e.path());
      if (content.find(token) != std::string::npos) return content;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

std::vector<std::string> Args(const std::string& server, const std::string& token) {
  return {"--server",  server,
          "--from",    "alice@example.test",
          "--to",      "bob@example.test",
          "--helo",    "[127.0.0.1]",
          "--subject", "aiosmtpd " + token,
          "--body",    "hello from the harness\n.dot line\n",
          "--timeout", "10s"};
}

TEST(SendAiosmtpd, StartTlsVerifiedWithCaFileAndAuthPlain) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTP");
  std::string token = UniqueToken();
  auto a = Args(server, token);
  a.insert(a.end(), {"--starttls", "--ca-file", Env("AIOSMTPD_CA"), "--auth-user",
                     Env("AIOSMTPD_USER"), "--auth-password", "${env:AIO_PW}", "--json", "-v"});
  auto r = Send(a, {{"AIO_PW", Env("AIOSMTPD_PASSWORD")}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"tls\":true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"authenticated\":true"), std::string::npos);
  EXPECT_NE(r.err.find("* TLS started: TLSv1.3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(", certificate verified\n"), std::string::npos);
  EXPECT_NE(r.err.find("C: AUTH PLAIN <redacted>\nS: 235"), std::string::npos);
  EXPECT_EQ(r.err.find(Env("AIOSMTPD_PASSWORD")), std::string::npos);
  std::string stored = FindStored(Env("AIOSMTPD_MAILDIR"), token);
  ASSERT_FALSE(stored.empty());
  EXPECT_NE(stored.find("\r\n\r\nhello from the harness\r\n.dot line"), std::string::npos)
      << stored;
}

TEST(SendAiosmtpd, AuthLoginAfterStartTls) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTP");
  auto a = Args(server, UniqueToken());
  a.insert(a.end(), {"--starttls", "--insecure", "--auth-user", Env("AIOSMTPD_USER"),
                     "--auth-password-env", "AIO_PW", "--auth-mechanism", "LOGIN", "-v"});
  auto r = Send(a, {{"AIO_PW", Env("AIOSMTPD_PASSWORD")}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.err.find("C: AUTH LOGIN\nS: 334 VXNlciBOYW1lAA==\nC: <redacted>\nS: 334 UGFzc3dvcmQA\n"
                 "C: <redacted>\nS: 235"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(", not verified\n"), std::string::npos);
}

TEST(SendAiosmtpd, SelfSignedCertificateFailsVerificationExits28) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTP");
  auto a = Args(server, UniqueToken());
  a.push_back("--starttls");
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_NE(r.err.find("starttls failed (" + server +
                       "): TLS handshake failed: certificate verification failed for 127.0.0.1: "
                       "self-signed certificate\n"),
            std::string::npos)
      << r.err;
}

TEST(SendAiosmtpd, WrongPasswordExits29) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTP");
  auto a = Args(server, UniqueToken());
  a.insert(a.end(), {"--starttls", "--insecure", "--auth-user", Env("AIOSMTPD_USER"),
                     "--auth-password", "wrong"});
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 29);
  EXPECT_NE(r.err.find("): AUTH PLAIN refused: 535 5.7.8 Authentication credentials invalid\n"),
            std::string::npos)
      << r.err;
}

TEST(SendAiosmtpd, AuthIsNotOfferedBeforeTlsExits29) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTP");
  auto a = Args(server, UniqueToken());
  a.insert(a.end(), {"--auth-user", Env("AIOSMTPD_USER"), "--auth-password", "x"});
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 29);
  EXPECT_NE(r.err.find("): the server does not advertise AUTH: 250 aiosmtpd.test / "),
            std::string::npos)
      << r.err;
}

TEST(SendAiosmtpd, ImplicitTls) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTPS");
  std::string token = UniqueToken();
  auto a = Args(server, token);
  a.insert(a.end(), {"--tls", "--ca-file", Env("AIOSMTPD_CA"), "--auth-user", Env("AIOSMTPD_USER"),
                     "--auth-password-env", "AIO_PW", "--json"});
  auto r = Send(a, {{"AIO_PW", Env("AIOSMTPD_PASSWORD")}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"tls\":true"), std::string::npos) << r.out;
  EXPECT_FALSE(FindStored(Env("AIOSMTPD_MAILDIR"), token).empty());
}

TEST(SendAiosmtpd, ImplicitTlsUnverifiedCertificateExits28) {
  SEND_E2E_REQUIRE_ENV(server, "AIOSMTPD_SMTPS");
  auto a = Args(server, UniqueToken());
  a.push_back("--tls");
  auto r = Send(a);
  EXPECT_EQ(r.exit_code, 28);
  EXPECT_NE(r.err.find("certificate verification failed for 127.0.0.1: self-signed certificate\n"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace smtp::send_e2e
