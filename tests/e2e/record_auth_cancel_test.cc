// `record` of a client that cancels AUTH LOGIN with "*" (RFC 4954 4; the
// server answers 501), replayed by `run` against the same kind of server.
// Cancelled at the first challenge, nothing secret was said: the exchange
// is replayed as sent (AUTH LOGIN, 334, "*", 501), needing no credentials.
// Cancelled after the user name, the exchange is left out (the credential
// was not recorded; the session goes on unauthenticated either way). Before,
// both became an `auth:` step, which authenticated on replay (235, not the
// recorded 501) and failed. In server mode (`record --mode server`, then
// `grade` with the same client) the exchange is checked line by line, the
// credential as "?*"; before, an `auth:` step failed the client for the "*".
// No recording or replay output holds the user name or the password.
#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "tests/e2e/record_support.h"

namespace smtp::e2e {
namespace {

const char* kUser = "zq-user-7";
const char* kPassword = "Pw-cancel-only-in-the-test-9q";

// A raw-socket client: EHLO, AUTH LOGIN, the user name (base64, from the
// file named third) when asked to (`after-user`), "*" at the next
// challenge, then a message and QUIT.
constexpr const char* kClient = R"(import socket, sys
port, when, user = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read()
s = socket.create_connection(("127.0.0.1", port)); f = s.makefile("rb")
def reply():
    while True:
        line = f.readline().decode()
        if line[3:4] != "-":
            return line
def cmd(line, code):
    s.sendall(line.encode() + b"\r\n"); r = reply()
    if not r.startswith(code):
        sys.exit("%s: expected %s, got %r" % (line, code, r))
reply()
cmd("EHLO client.example.test", "250")
cmd("AUTH LOGIN", "334")
if when == "after-user":
    cmd(user, "334")
cmd("*", "501")
cmd("MAIL FROM:<a@example.test>", "250")
cmd("RCPT TO:<b@example.test>", "250")
cmd("DATA", "354")
cmd("Subject: cancelled\r\n\r\nhi\r\n.", "250")
cmd("QUIT", "221")
)";

TEST(RecordAuthCancelTest, ACancelledAuthLoginReplaysAgainstTheSameServer) {
  auto dir = MakeSharedTempDir("record-auth-cancel");
  WriteShared(dir / "client.py", kClient);
  WriteShared(dir / "user.b64", Base64Encode(kUser));
  Serve serve({"--auth-user", std::string(kUser) + ":" + kPassword}, "record-auth-cancel-serve");
  ASSERT_GT(serve.port(), 0);
  const std::string upstream = "smtp://127.0.0.1:" + std::to_string(serve.port());
  std::string outputs;
  for (std::string when : {"at-user", "after-user"}) {
    SCOPED_TRACE(when);
    const std::string file = (dir / (when + ".yaml")).string();
    Recorder rec(dir, upstream, file, {}, when + ".record");
    ASSERT_GT(rec.port(), 0) << rec.Stderr();
    ProcResult c = Exec({"/usr/bin/python3", (dir / "client.py").string(),
                         std::to_string(rec.port()), when, (dir / "user.b64").string()});
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    ASSERT_EQ(rec.Wait(), 0) << rec.Stderr();
    const std::string yaml = ReadFile(file);
    EXPECT_EQ(yaml.find("- auth:"), std::string::npos) << yaml;
    if (when == "at-user") {
      EXPECT_NE(yaml.find("  - send: \"AUTH LOGIN\"\n    expect: {glob: \"334 *\"}\n"
                          "  - send: \"*\"\n    expect: {glob: \"501 5.7.0 Authentication "
                          "cancelled\"}\n"),
                std::string::npos)
          << yaml;
    } else {
      EXPECT_NE(yaml.find("# AUTH LOGIN was cancelled by the client (\"*\") after it had sent a "
                          "credential, which was not recorded: left out"),
                std::string::npos)
          << yaml;
    }
    // No credentials in the environment: the replay needs none.
    ProcResult r = Exec({SMTP_HARNESS_BINARY, "run", file, "--target", upstream, "-v", "--report",
                         (dir / (when + ".json")).string()},
                        {{"SMTP_HARNESS_USER", ""}, {"SMTP_HARNESS_PASSWORD", ""}});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err << yaml;
    outputs += yaml + rec.Stderr() + r.out + r.err + ReadFile(dir / (when + ".json"));

    // Server mode: grade checks the same client with the recording.
    const std::string golden = (dir / (when + "-server.yaml")).string();
    Recorder srec(dir, upstream, golden, {"--mode", "server"}, when + ".record-server");
    ASSERT_GT(srec.port(), 0) << srec.Stderr();
    c = Exec({"/usr/bin/python3", (dir / "client.py").string(), std::to_string(srec.port()), when,
              (dir / "user.b64").string()});
    ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
    ASSERT_EQ(srec.Wait(), 0) << srec.Stderr();
    const std::string server_yaml = ReadFile(golden);
    EXPECT_EQ(server_yaml.find("- auth:"), std::string::npos) << server_yaml;
    EXPECT_NE(server_yaml.find("  - expect: \"\\\\*\"\n    reply: \"501 5.7.0 Authentication "
                               "cancelled\"\n"),
              std::string::npos)
        << server_yaml;
    ProcResult g = Exec({SMTP_HARNESS_BINARY, "grade", golden, "--port", "0", "-v", "--report",
                         (dir / (when + "-grade.json")).string(), "--", "/bin/sh", "-c",
                         "exec /usr/bin/python3 " + (dir / "client.py").string() +
                             " \"$SMTP_HARNESS_PORT\" " + when + " " + (dir / "user.b64").string()},
                        {{"SMTP_HARNESS_USER", ""}, {"SMTP_HARNESS_PASSWORD", ""}});
    EXPECT_EQ(g.exit_code, 0) << g.out << g.err << server_yaml;
    outputs += server_yaml + srec.Stderr() + g.out + g.err + ReadFile(dir / (when + "-grade.json"));
  }
  for (const std::string& secret :
       {std::string(kUser), Base64Encode(kUser), std::string(kPassword), Base64Encode(kPassword)}) {
    EXPECT_EQ(outputs.find(secret), std::string::npos) << secret << " in:\n" << outputs;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
