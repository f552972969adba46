// `record --timeout` is how long the session may be idle: no byte either
// way. A server is silent while the client sends a long message; before,
// each side's read had the deadline of its own, so a message that took
// longer than --timeout to send, its lines coming steadily, was cut with
// "server idle for 1s; closing" and the client never got its 250.
#include <gtest/gtest.h>

#include "tests/e2e/record_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

// Sends a message a line every 0.3 s for 2 s, then the dot and QUIT.
constexpr const char* kSlowClient = R"(import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); f = s.makefile("rb")
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
cmd("MAIL FROM:<a@example.test>", "250")
cmd("RCPT TO:<b@example.test>", "250")
cmd("DATA", "354")
s.sendall(b"Subject: slow\r\n\r\n")
for n in range(7):
    s.sendall(b"line %d\r\n" % n); time.sleep(0.3)
cmd(".", "250")
cmd("QUIT", "221")
)";

TEST(RecordSlowMessageTest, AMessageLongerThanTheTimeoutIsRecordedWhole) {
  auto dir = MakeSharedTempDir("record-slow");
  WriteShared(dir / "client.py", kSlowClient);
  Serve serve({}, "record-slow-serve");
  ASSERT_GT(serve.port(), 0);
  const std::string upstream = "smtp://127.0.0.1:" + std::to_string(serve.port());
  const std::string file = (dir / "slow.yaml").string();
  Recorder rec(dir, upstream, file, {"--timeout", "1s"}, "record-slow");
  ASSERT_GT(rec.port(), 0) << rec.Stderr();
  ProcResult c =
      Exec({"/usr/bin/python3", (dir / "client.py").string(), std::to_string(rec.port())});
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err << rec.Stderr();
  ASSERT_EQ(rec.Wait(), 0) << rec.Stderr();
  EXPECT_EQ(rec.Stderr().find("idle"), std::string::npos) << rec.Stderr();
  EXPECT_EQ(rec.Stderr().find("no bytes"), std::string::npos) << rec.Stderr();
  const std::string yaml = ReadFile(file);
  EXPECT_NE(yaml.find("  C: line 6\n  C: .\n  S: 250 2.0.0 Ok: queued as *\n  C: QUIT\n"),
            std::string::npos)
      << yaml;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
