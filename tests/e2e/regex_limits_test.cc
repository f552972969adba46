// End to end, issue 14 item 8: a 1 MiB input against `[\s\S]*x` (no x in
// it) and against `(a+)+$` (exponential backtracking) gives a verdict in
// `run` (a reply matcher), `serve` (a fault rule) and `grade` (expect_data
// and a command matcher) -- never a crash, never a hang.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"
#include "tests/support/tcp_client.h"

namespace smtp::run_e2e {
namespace {

using Clock = std::chrono::steady_clock;
const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

// ~1 MiB of lines "aaa...ab": no 'x' anywhere, and `(a+)+$` fails on every
// line only after trying every way to split its a's.
std::string Lines(size_t total, size_t width) {
  std::string out;
  while (out.size() < total) out += std::string(width - 2, 'a') + "b\n";
  return out;
}

const char* const kPatterns[] = {"[\\\\s\\\\S]*x", "(a+)+$"};  // as written in YAML "..."

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// run: the fake server answers NOOP with a 1 MiB multi-line reply.
TEST(RegexLimitsE2E, RunReplyMatcherOnOneMebibyteReply) {
  TempDir dir;
  std::string reply;  // YAML double-quoted: lines joined by \n
  std::string lines = Lines(1 << 20, 1000);
  reply = "250 ";
  for (char c : lines) reply += c == '\n' ? std::string("\\n") : std::string(1, c);
  reply.resize(reply.size() - 2);  // the last \n
  int i = 0;
  for (const char* pattern : kPatterns) {
    std::string file = "big" + std::to_string(i++) + ".yaml";
    dir.Write(file, std::string("server:\n  rules:\n    - when: NOOP\n      reply: \"") + reply +
                        "\"\nsteps:\n  - expect: 220\n  - send: NOOP\n    expect: {code: 250, "
                        "text: \"" +
                        pattern + "\"}\n");
  }
  auto t0 = Clock::now();
  auto r = RunHarness({"big0.yaml", "big1.yaml", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_LT(SecondsSince(t0), 20.0);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  auto& s0 = j["scenarios"][0];
  auto& s1 = j["scenarios"][1];
  EXPECT_EQ(s0["status"], "failed") << s0.dump().substr(0, 500);
  EXPECT_NE(s0["failure"]["message"].get<std::string>().find("not found"), std::string::npos);
  EXPECT_EQ(s1["status"], "error") << s1.dump().substr(0, 500);
  EXPECT_NE(s1["failure"]["message"].get<std::string>().find("match limit"), std::string::npos)
      << s1["failure"]["message"];
}

// serve: message rules with both regexes; a 1 MiB message gets an answer
// and the server goes on serving.
TEST(RegexLimitsE2E, ServeRuleOnOneMebibyteMessage) {
  for (const char* pattern : {"[\\s\\S]*x", "(a+)+$"}) {
    auto dir = e2e::MakeTempDir("regex-serve");
    std::ofstream(dir / "config.yaml") << "server:\n  rules:\n    - on: message\n      when: '/"
                                       << pattern << "/'\n      reply: 554 5.7.1 matched\n";
    e2e::Serve serve({"--config", (dir / "config.yaml").string()}, "regex-serve");
    ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
    testing::TcpClient c(serve.port());
    ASSERT_EQ(c.ReadReply().substr(0, 4), "220 ");
    ASSERT_EQ(c.Command("HELO x").substr(0, 4), "250 ");
    ASSERT_EQ(c.Command("MAIL FROM:<a@x.test>").substr(0, 4), "250 ");
    ASSERT_EQ(c.Command("RCPT TO:<b@x.test>").substr(0, 4), "250 ");
    ASSERT_EQ(c.Command("DATA").substr(0, 4), "354 ");
    std::string body = Lines(1 << 20, 100);
    std::string wire;
    for (char ch : body) wire += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
    auto t0 = Clock::now();
    c.Send(wire + ".\r\n");
    std::string reply = c.ReadReply(std::chrono::seconds(20));
    EXPECT_LT(SecondsSince(t0), 20.0);
    if (std::string(pattern) == "(a+)+$") {
      EXPECT_EQ(reply.substr(0, 10), "451 4.3.0 ") << reply;
      EXPECT_NE(reply.find("match limit"), std::string::npos) << reply;
      EXPECT_NE(reply.find("the rule at line 3"), std::string::npos) << reply;
    } else {
      EXPECT_EQ(reply.substr(0, 4), "250 ") << reply;  // the rule did not match
    }
    // Still serving.
    testing::TcpClient again(serve.port());
    EXPECT_EQ(again.ReadReply().substr(0, 4), "220 ");
    EXPECT_TRUE(serve.process().Running());
    serve.Stop();
    std::filesystem::remove_all(dir);
  }
}

// grade: expect_data with each regex on a 1 MiB message, and a command
// matcher on a ~1 MB command line; results.json is written each time.
TEST(RegexLimitsE2E, GradeMatchersOnOneMebibyte) {
  const std::string client = R"PY(
import os, socket, sys
s = socket.create_connection(("127.0.0.1", int(os.environ["SMTP_HARNESS_PORT"])))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if not line or line[3:4] != b"-":
            return line
reply()
body = b"".join(b"a" * 98 + b"b\r\n" for _ in range(10700))
if sys.argv[1] == "command":
    s.sendall(b"NOOP " + b"a" * 1000000 + b"b\r\n"); reply()
else:
    for cmd in (b"HELO x", b"MAIL FROM:<a@x.test>", b"RCPT TO:<b@x.test>", b"DATA"):
        s.sendall(cmd + b"\r\n"); reply()
    s.sendall(body + b".\r\n"); reply()
s.sendall(b"QUIT\r\n"); reply()
)PY";
  const char* kData = R"Y(mode: server
steps:
  - reply: 220 lab ESMTP
  - expect: HELO *
    reply: 250 Hello
  - expect: {verb: MAIL}
  - expect: {verb: RCPT}
  - expect: DATA
  - expect_data: {regex: "PATTERN"}
    reply: 250 OK
  - expect: QUIT
)Y";
  const char* kCommand = R"Y(mode: server
steps:
  - reply: 220 lab ESMTP
  - expect: {regex: "PATTERN"}
    reply: 250 OK
  - expect: QUIT
)Y";
  TempDir dir;
  dir.Write("client.py", client);
  for (std::string kind : {"data", "command"}) {
    for (std::string pattern : kPatterns) {
      std::string yaml = kind == "data" ? kData : kCommand;
      yaml.replace(yaml.find("PATTERN"), 7, pattern);
      dir.Write("s.yaml", yaml);
      auto t0 = Clock::now();
      auto r =
          RunProcess({SMTP_HARNESS_BINARY, "grade", "s.yaml", "--port", "0", "--report", "r.json",
                      "--gradescope", "results.json", "--", "/usr/bin/python3", "client.py", kind},
                     InDir(dir.path()));
      std::string what = kind + " " + pattern;
      EXPECT_LT(SecondsSince(t0), 30.0) << what;
      EXPECT_EQ(r.exit_code, 1) << what << "\n" << r.out << r.err;
      ASSERT_TRUE(dir.Exists("results.json")) << what;
      auto j = ParseJson(dir.Read("r.json"));
      std::string message = j["scenarios"][0]["failure"]["message"].get<std::string>();
      if (pattern == "(a+)+$") {
        EXPECT_NE(message.find("match limit"), std::string::npos) << what << ": " << message;
      } else {
        EXPECT_NE(message.find("does not match"), std::string::npos) << what << ": " << message;
      }
    }
  }
}

}  // namespace
}  // namespace smtp::run_e2e
