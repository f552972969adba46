// End to end, issue 14 (the scenario language): what a new user would try,
// through the real binary -- an unclosed quote, a send without expect,
// `requires:` against a server without the capability, several recipients
// in a lenient lab, a bare-LF message under strict.crlf, and a fault rule
// written for the path of a MAIL command that a real client sends with
// parameters.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::run_e2e {
namespace {

const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

// Item 1.
TEST(VerdictsLangE2E, UnclosedQuoteIsAValidationError) {
  TempDir dir;
  dir.Write("unclosed.yaml",
            "steps:\n  - expect: 220\n  - send: \"EHLO x\n    expect: 250\n  - send: QUIT\n"
            "    expect: 221\n");
  auto v = RunProcess({SMTP_HARNESS_BINARY, "validate", "unclosed.yaml"}, InDir(dir.path()));
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find("unclosed.yaml:3:11: unclosed quote"), std::string::npos) << v.err;
  auto r = RunHarness({"unclosed.yaml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST(VerdictsLangE2E, LineBreakInACommandIsAValidationError) {
  TempDir dir;
  dir.Write("lf.yaml", "steps:\n  - expect: 220\n  - send: \"EHLO x\n\n    expect: 250\"\n");
  auto v = RunProcess({SMTP_HARNESS_BINARY, "validate", "lf.yaml"}, InDir(dir.path()));
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find("lf.yaml:3:11: send: a command line cannot contain LF"), std::string::npos)
      << v.err;
  EXPECT_NE(v.err.find("unclosed quote"), std::string::npos) << v.err;
}

// Item 2.
TEST(VerdictsLangE2E, SendWithoutExpectReadsItsReply) {
  TempDir dir;
  dir.Write("noexpect.yaml",
            "steps:\n  - expect: 220\n  - send: NOOP\n  - send: QUIT\n    expect: 221\n");
  auto r = RunHarness({"noexpect.yaml", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  auto& step = j["scenarios"][0]["steps"][1];
  EXPECT_EQ(step["expected"], "any reply");
  EXPECT_EQ(step["received"].get<std::string>().substr(0, 4), "250 ");
}

// Item 6: the repro of the issue.
TEST(VerdictsLangE2E, RequiresSkipsAgainstAServerWithoutTheExtension) {
  auto dir = e2e::MakeTempDir("requires");
  std::ofstream(dir / "config.yaml") << "server:\n  extensions: [PIPELINING]\n";
  e2e::Serve serve({"--config", (dir / "config.yaml").string()}, "requires");
  ASSERT_GT(serve.port(), 0);
  TempDir out;
  auto r = RunHarness(
      {kSource + "/scenarios/rfc1870-size", kSource + "/scenarios/rfc6531-smtputf8", "--target",
       "smtp://127.0.0.1:" + std::to_string(serve.port()), "--report", "r.json"},
      InDir(out.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ParseJson(out.Read("r.json"));
  EXPECT_EQ(j["summary"]["failed"], 0);
  for (const auto& sc : j["scenarios"]) {
    EXPECT_EQ(sc["status"], "skipped") << sc["name"] << ": " << sc.dump().substr(0, 400);
  }
  EXPECT_GE(j["scenarios"].size(), 7u);
  serve.Stop();
  std::filesystem::remove_all(dir);
}

const char* kPythonClient = R"PY(
import os, smtplib, sys
port = int(os.environ.get("SMTP_HARNESS_PORT", sys.argv[2] if len(sys.argv) > 2 else "1025"))
s = smtplib.SMTP("127.0.0.1", port, timeout=10)
msg = "Subject: lab\r\n\r\nI love computer networks!\r\n.This line starts with a dot.\r\n"
mode = sys.argv[1]
if mode == "two_rcpts":
    s.sendmail("alice@example.test", ["bob@example.test", "carol@example.test"], msg)
    s.quit()
elif mode == "badfrom":
    try:
        s.sendmail("badfrom@x.test", ["bob@example.test"], msg)
        print("accepted")
    except smtplib.SMTPSenderRefused as e:
        print("refused", e.smtp_code, e.smtp_error.decode())
    s.quit()
)PY";

// Item 5: a correct client sending to two recipients passes the lenient lab.
TEST(VerdictsLangE2E, TwoRecipientsPassTheLenientLab) {
  TempDir dir;
  dir.Write("client.py", kPythonClient);
  auto r = RunProcess(
      {SMTP_HARNESS_BINARY, "grade", kSource + "/scenarios/lab/lab_lenient.yaml", "--port", "0",
       "--report", "r.json", "--", "/usr/bin/python3", "client.py", "two_rcpts"},
      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  bool found = false;
  for (const auto& st : j["scenarios"][0]["steps"]) {
    if (st["name"] == "RCPT TO (one or more recipients)") {
      found = true;
      EXPECT_EQ(st["message"], "matched 2 commands");
    }
  }
  EXPECT_TRUE(found) << j.dump().substr(0, 1000);
}

// Item 7: a bare-LF client without dot-stuffing, graded strictly: the bare
// LF is the reason, not a content mismatch.
TEST(VerdictsLangE2E, StrictCrlfGivesTheBareLfAsTheReason) {
  TempDir dir;
  dir.Write("client.py", R"PY(
import os, socket
s = socket.create_connection(("127.0.0.1", int(os.environ["SMTP_HARNESS_PORT"])))
f = s.makefile("rb")
def reply():
    while True:
        line = f.readline()
        if not line or line[3:4] != b"-":
            return line
reply()
for cmd in (b"HELO 127.0.0.1", b"MAIL FROM:<alice@example.test>", b"RCPT TO:<bob@example.test>", b"DATA"):
    s.sendall(cmd + b"\r\n"); reply()
s.sendall(b"Subject: SMTP lab\n\nI love computer networks!\n.This line starts with a dot.\n.\r\n"); reply()
s.sendall(b"QUIT\r\n"); reply()
)PY");
  auto r = RunProcess({SMTP_HARNESS_BINARY, "grade", kSource + "/scenarios/lab/lab_strict.yaml",
                       "--port", "0", "--report", "r.json", "--", "/usr/bin/python3", "client.py"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  std::string message = j["scenarios"][0]["failure"]["message"];
  EXPECT_NE(message.find("bare LF"), std::string::npos) << message;
  EXPECT_EQ(message.find("does not contain"), std::string::npos) << message;
}

// Item 14: smtplib sends MAIL FROM:<badfrom@x.test> size=NNN; the rule
// written for the path fires.
TEST(VerdictsLangE2E, RuleGlobOnThePathFiresForARealClient) {
  auto dir = e2e::MakeTempDir("rule-glob");
  std::ofstream(dir / "config.yaml") << "server:\n  rules:\n    - when: \"MAIL FROM:<badfrom@*>\"\n"
                                        "      reply: 550 5.7.1 Sender rejected\n";
  e2e::Serve serve({"--config", (dir / "config.yaml").string(), "-v"}, "rule-glob");
  ASSERT_GT(serve.port(), 0);
  std::string output;
  int status = e2e::RunPython(kPythonClient, {"badfrom", std::to_string(serve.port())}, &output);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("refused 550 5.7.1 Sender rejected"), std::string::npos) << output;
  serve.Stop();
  EXPECT_NE(serve.process().Stderr().find("size="), std::string::npos)
      << "smtplib did not send a SIZE parameter: " << serve.process().Stderr();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::run_e2e
