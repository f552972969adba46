// Issue 17, item 7: AUTH secrets never reach logs or reports, whatever the
// separator and however the client sends them, in serve and in run; the
// serve password need not be on the command line (ps shows argv).
#include <gtest/gtest.h>

#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

using run_e2e::InDir;
using run_e2e::RunHarness;
using run_e2e::TempDir;

// base64("\0alice\0S3cret"), base64("alice"), base64("S3cret")
constexpr const char* kPlain = "AGFsaWNlAFMzY3JldA==";
constexpr const char* kUser = "YWxpY2U=";
constexpr const char* kPass = "UzNjcmV0";

constexpr const char* kClient = R"PY(
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
f = s.makefile("rb")
def reply():
    out = b""
    while True:
        line = f.readline()
        out += line
        if len(line) < 4 or line[3:4] != b"-":
            return out
reply()
s.sendall(b"EHLO x\r\n"); reply()
# A TAB instead of a space (RFC 4954 wants SP: refused, but logged).
s.sendall(b"AUTH PLAIN\t" + sys.argv[2].encode() + b"\r\n"); print(reply())
# Credentials pipelined behind an AUTH the server refuses.
s.sendall(b"AUTH CRAM-MD5\r\n" + sys.argv[3].encode() + b"\r\n" + sys.argv[4].encode() + b"\r\n")
reply(); reply(); reply()
# Credentials sent anyway after a refused AUTH, each in its own read.
s.sendall(b"AUTH XOAUTH2\r\n"); reply()
s.sendall(sys.argv[3].encode() + b"\r\n"); reply()
s.sendall(sys.argv[4].encode() + b"\r\n"); reply()
s.sendall(b"AUTH PLAIN " + sys.argv[2].encode() + b"\r\n"); print(reply())
s.sendall(b"QUIT\r\n"); reply()
)PY";

TEST(HostileSecrets, ServeVerboseLogsNoCredentials) {
  Serve serve({"-v", "--auth-user", "alice:S3cret"}, "secrets");
  ASSERT_GT(serve.port(), 0);
  std::string out;
  ASSERT_EQ(RunPython(kClient, {std::to_string(serve.port()), kPlain, kUser, kPass}, &out), 0)
      << out;
  EXPECT_NE(out.find("235"), std::string::npos) << out;
  serve.Stop();
  std::string log = serve.process().Stderr() + serve.process().Stdout();
  EXPECT_NE(log.find("<redacted>"), std::string::npos) << log;
  for (const char* secret : {kPlain, kUser, kPass}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in\n" << log;
  }
}

TEST(HostileSecrets, ServeReadsTheAuthUserFromAFileOrTheEnvironment) {
  TempDir dir;
  dir.Write("users", "alice:S3cret\n");
  Serve from_file({"-v", "--auth-user-file", dir.path() + "/users"}, "secrets-file");
  ASSERT_GT(from_file.port(), 0) << from_file.process().Stderr();
  std::string out;
  ASSERT_EQ(RunPython(kClient, {std::to_string(from_file.port()), kPlain, kUser, kPass}, &out), 0);
  EXPECT_NE(out.find("235"), std::string::npos) << out;
  from_file.Stop();

  ::setenv("SMTP_HARNESS_AUTH_USER", "alice:S3cret", 1);
  Serve from_env({"-v"}, "secrets-env");
  ::unsetenv("SMTP_HARNESS_AUTH_USER");
  ASSERT_GT(from_env.port(), 0) << from_env.process().Stderr();
  ASSERT_EQ(RunPython(kClient, {std::to_string(from_env.port()), kPlain, kUser, kPass}, &out), 0);
  EXPECT_NE(out.find("235"), std::string::npos) << out;
  from_env.Stop();
}

// What a recording holds: AUTH as plain send: lines, and a failing step so
// the transcript is printed without -v too.
constexpr const char* kRecordedPlain = R"YAML(
name: recorded-plain
server:
  auth: {users: {alice: S3cret}}
steps:
  - expect: 220
  - send: EHLO x
  - send: "AUTH PLAIN\tAGFsaWNlAFMzY3JldA=="
    expect: 504
  - send: "AUTH PLAIN AGFsaWNlAFMzY3JldA=="
    expect: 235
  - send: NOOP
    expect: 599
)YAML";

constexpr const char* kRecordedLogin = R"YAML(
name: recorded-login
server:
  auth: {users: {alice: S3cret}}
steps:
  - expect: 220
  - send: EHLO x
  - send: AUTH LOGIN
    expect: 334
  - send: YWxpY2U=
    expect: 334
  - send: UzNjcmV0
    expect: 235
  - send: NOOP
    expect: 599
)YAML";

TEST(HostileSecrets, RunReportsAndVerboseOutputHoldNoCredentials) {
  TempDir dir;
  dir.Write("s/plain.yaml", kRecordedPlain);
  dir.Write("s/login.yaml", kRecordedLogin);
  for (const char* verbose : {"-v", "--no-color"}) {
    auto r = RunHarness(
        {"s", verbose, "--report", "r.json", "--junit", "r.xml", "--gradescope", "g.json"},
        InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the 599 steps fail on purpose
    std::string all = r.out + r.err + dir.Read("r.json") + dir.Read("r.xml") + dir.Read("g.json");
    EXPECT_NE(all.find("AUTH PLAIN\\t<redacted>"), std::string::npos) << all;
    for (const char* secret : {kPlain, kUser, kPass}) {
      EXPECT_EQ(all.find(secret), std::string::npos) << secret << " in\n" << all;
    }
  }
}

}  // namespace
}  // namespace smtp::e2e
