// `run` against real servers we did not write: the private Postfix and the
// aiosmtpd that ci/test starts (addresses from POSTFIX_* / AIOSMTPD_* env
// vars). Skipped when they are not running, unless
// SMTP_HARNESS_REQUIRE_REAL_SERVERS=1, then a missing server fails.
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool RequireServer(const char* var) {
  if (!EnvOr(var).empty()) return true;
  if (EnvOr("SMTP_HARNESS_REQUIRE_REAL_SERVERS") == "1") {
    ADD_FAILURE() << var << " is not set but real servers are required";
  }
  return false;
}

#define REQUIRE_SERVER(var)                                     \
  do {                                                          \
    if (!RequireServer(var)) GTEST_SKIP() << var << " not set"; \
  } while (0)

TEST(RunRealServers, BasicSendPassesAgainstPostfix) {
  REQUIRE_SERVER("POSTFIX_SMTP");
  std::string users = EnvOr("POSTFIX_USERS");
  std::string to = users.substr(0, users.find(',')) + "@" + EnvOr("POSTFIX_DOMAIN");
  TempDir dir;
  auto r =
      RunHarness({Source("scenarios/basic_send.yaml"), "--target",
                  "smtp://" + EnvOr("POSTFIX_SMTP"), "--var", "to=" + to, "--report", "r.json"},
                 InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  EXPECT_EQ(j["scenarios"][0]["status"], "passed");
  EXPECT_EQ(j["scenarios"][0]["target"], "smtp://" + EnvOr("POSTFIX_SMTP"));
}

TEST(RunRealServers, PostfixUnknownUserIsAFailedStep) {
  REQUIRE_SERVER("POSTFIX_SMTP");
  TempDir dir;
  dir.Write("unknown.yaml",
            "steps:\n"
            "  - expect: 220\n"
            "  - send: EHLO 127.0.0.1\n"
            "    expect: {code: 250, ext: [PIPELINING]}\n"
            "  - send: MAIL FROM:<alice@example.test>\n"
            "    expect: 250\n"
            "  - send: RCPT TO:<no-such-user@${env:POSTFIX_DOMAIN}>\n"
            "    expect: 2xx\n");
  auto r = RunHarness(
      {"unknown.yaml", "--target", "smtp://" + EnvOr("POSTFIX_SMTP"), "--report", "r.json"},
      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  const auto& sc = j["scenarios"][0];
  EXPECT_EQ(sc["status"], "failed");
  EXPECT_EQ(sc["failure"]["step"], 3);
  EXPECT_EQ(sc["failure"]["line"], 7);
  EXPECT_EQ(sc["failure"]["expected"], "2xx");
  EXPECT_EQ(sc["failure"]["actual"].get<std::string>().substr(0, 10), "550 5.1.1 ");
}

TEST(RunRealServers, AiosmtpdImplicitTlsWithAuth) {
  REQUIRE_SERVER("AIOSMTPD_SMTPS");
  TempDir dir;
  dir.Write(
      "aio.yaml",
      "steps:\n"
      "  - expect: 220\n"
      "  - send: EHLO 127.0.0.1\n"
      "    expect: {code: 250, ext: [AUTH]}\n"
      "  - auth: {mechanism: PLAIN, username: \"${env:AIOSMTPD_USER}\", password: "
      "\"${env:AIOSMTPD_PASSWORD}\"}\n"
      "  - mail: {from: a@example.test, to: [b@example.test], data: \"Subject: s\\n\\nhi\\n\"}\n"
      "  - send: QUIT\n"
      "    expect: 221\n");
  auto r = RunHarness(
      {"aio.yaml", "--target", "smtps://" + EnvOr("AIOSMTPD_SMTPS"), "--report", "r.json"},
      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  std::string report = dir.Read("r.json");
  EXPECT_EQ(report.find(EnvOr("AIOSMTPD_PASSWORD")), std::string::npos);  // redacted
  EXPECT_NE(report.find("AUTH PLAIN <redacted>"), std::string::npos);
}

TEST(RunRealServers, AiosmtpdCertificateVerification) {
  REQUIRE_SERVER("AIOSMTPD_SMTPS");
  TempDir dir;
  dir.Write("greet.yaml", "steps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n");
  std::string target = "smtps://" + EnvOr("AIOSMTPD_SMTPS");
  // Self-signed and not trusted: the run cannot be carried out -> error.
  auto r = RunHarness({"greet.yaml", "--target", target, "--tls-verify", "--report", "-"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = ParseJson(r.out);
  EXPECT_EQ(j["scenarios"][0]["status"], "error");
  EXPECT_EQ(r.err.rfind("greet.yaml: target " + target + ": ", 0), 0u) << r.err;
  // Trusted through --ca-file: passes.
  r = RunHarness({"greet.yaml", "--target", target, "--tls-verify", "--ca-file",
                  EnvOr("AIOSMTPD_CA"), "--report", "-"},
                 InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
}  // namespace smtp::run_e2e
