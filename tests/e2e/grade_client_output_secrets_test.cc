// A client's own output may print its AUTH lines as sent (smtplib with
// set_debuglevel, swaks): grade's reports carry the client's stdout and
// stderr, so the credentials the transcripts hide reached the JSON and HTML
// reports there. What a session's transcript hides is taken out of the
// client's output too.
#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

constexpr const char* kScenario = R"(name: auth_echo
mode: server
steps:
  - reply: 220 t ESMTP
  - expect: "EHLO *"
    reply: ["250-t", "250 AUTH PLAIN LOGIN"]
  - auth: {username: zq-user, password: Pw-only-in-the-test-7x}
  - expect: QUIT
    reply: 221 bye
  - expect_close: true
)";

// Prints every line it sends, on stdout and stderr, as a debugging client does.
constexpr const char* kClient = R"(import base64, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(os.environ["SMTP_HARNESS_PORT"])))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if line[3:4] != b"-":
            return line
def send(line):
    print("send: " + line); print("send: " + line, file=sys.stderr)
    s.sendall(line.encode() + b"\r\n")
    return reply()
reply()
send("EHLO c.test")
send("AUTH LOGIN")
send(base64.b64encode(b"zq-user").decode())
send(base64.b64encode(b"Pw-only-in-the-test-7x").decode())
send("QUIT")
)";

TEST(GradeClientOutputSecrets, CredentialsTheTranscriptHidesLeaveTheClientOutputToo) {
  TempDir dir;
  dir.Write("s.yaml", kScenario);
  dir.Write("client.py", kClient);
  auto r = RunProcess({SMTP_HARNESS_BINARY, "grade", "s.yaml", "--port", "0", "--report", "r.json",
                       "--html", "r.html", "-v", "--", "/usr/bin/python3", "client.py"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string all = dir.Read("r.json") + dir.Read("r.html") + r.out + r.err;
  EXPECT_NE(dir.Read("r.json").find("send: <redacted>"), std::string::npos) << dir.Read("r.json");
  for (const std::string& secret :
       {Base64Encode("zq-user"), Base64Encode("Pw-only-in-the-test-7x")}) {
    EXPECT_EQ(all.find(secret), std::string::npos) << secret;
  }
}

}  // namespace
}  // namespace smtp::run_e2e
