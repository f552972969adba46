// Pointed at something that is not an SMTP server (an HTTP server, an
// implicit-TLS port, SSH, a port that never speaks), `run` and `send` say
// what it is and what to do, not only "expected 220, got no reply".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/e2e/send_support.h"

namespace smtp::send_e2e {
namespace {

struct Case {
  const char* mode;
  const char* advice;
};

class NotSmtp : public ::testing::TestWithParam<Case> {};

std::string Scenario() {
  namespace fs = std::filesystem;
  fs::path p = fs::path(::testing::TempDir()) / "not_smtp_greeting.yaml";
  std::ofstream(p) << "name: greeting\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n";
  return p.string();
}

TEST_P(NotSmtp, RunSaysWhatListens) {
  auto server = std::make_unique<PortProcess>(
      std::vector<std::string>{"/usr/bin/python3", Fixture("not_smtp_server.py"), GetParam().mode});
  auto r = RunProcess({SMTP_HARNESS_BINARY, "run", Scenario(), "--target",
                       "smtp://127.0.0.1:" + std::to_string(server->port()), "--timeout", "1s",
                       "--no-color"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find(GetParam().advice), std::string::npos) << r.out << r.err;
}

TEST_P(NotSmtp, SendSaysWhatListens) {
  auto server = std::make_unique<PortProcess>(
      std::vector<std::string>{"/usr/bin/python3", Fixture("not_smtp_server.py"), GetParam().mode});
  auto r = Send({"--server", "127.0.0.1:" + std::to_string(server->port()), "--from",
                 "a@example.test", "--to", "b@example.test", "--body", "x", "--timeout", "1s"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(GetParam().advice), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Peers, NotSmtp,
    ::testing::Values(Case{"http", "the server sent an HTTP response: is this the right port?"},
                      Case{"tls", "use smtps://"},
                      Case{"silent", "the server sent nothing, not even when spoken to"}),
    [](const auto& info) { return std::string(info.param.mode); });

// A peer that speaks first, but not SMTP: recognised from its banner.
TEST(NotSmtpBanner, RunNamesSsh) {
  auto server = std::make_unique<PortProcess>(
      std::vector<std::string>{"/usr/bin/python3", Fixture("not_smtp_server.py"), "ssh"});
  auto r = RunProcess({SMTP_HARNESS_BINARY, "run", Scenario(), "--target",
                       "smtp://127.0.0.1:" + std::to_string(server->port()), "--timeout", "1s",
                       "--no-color"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("the server is an SSH server: is this the right port?"),
            std::string::npos)
      << r.out << r.err;
}

}  // namespace
}  // namespace smtp::send_e2e
