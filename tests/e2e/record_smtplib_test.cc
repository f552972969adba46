// `smtp-harness record` end to end: Python's smtplib sends through the
// recording proxy to `smtp-harness serve` and to the private Postfix (env
// POSTFIX_SMTP from ci/postfix; skipped when unset unless
// SMTP_HARNESS_REQUIRE_REAL_SERVERS=1); the recording then replays green with
// `run --target smtp://...` against both.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

const char* kSmtplib = R"(
import smtplib, ssl, sys
port, starttls, rcpt = int(sys.argv[1]), sys.argv[2] == "tls", sys.argv[3]
s = smtplib.SMTP("127.0.0.1", port, local_hostname="[127.0.0.1]", timeout=10)
if starttls:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    s.starttls(context=ctx)
s.sendmail("alice@example.test", [rcpt], "Subject: recorded\r\n\r\nCosts $5.\r\n.leading dot\r\n")
s.quit()
)";

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool RequireRealServers() { return Env("SMTP_HARNESS_REQUIRE_REAL_SERVERS") == "1"; }

class RecordE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("record"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Records one smtplib session relayed to `upstream`; returns the scenario text.
  std::string Record(const std::string& upstream, const std::string& out,
                     std::vector<std::string> extra, bool starttls,
                     const std::string& rcpt = "bob@example.test") {
    std::vector<std::string> argv = {
        SMTP_HARNESS_BINARY, "record", "--listen", "127.0.0.1:0",
        "--upstream",        upstream, "--out",    (dir_ / out).string(),
        "--timeout",         "10s"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    // A fresh output file per recorder, so an earlier one's port is never read.
    Process rec(argv, dir_, "record-" + std::to_string(++recorders_));
    int port = 0;
    const std::string marker = "listening on 127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (port == 0 && std::chrono::steady_clock::now() < deadline && rec.Running()) {
      std::string err = rec.Stderr();
      size_t at = err.find(marker);
      if (at != std::string::npos && err.find(',', at) != std::string::npos)
        port = std::stoi(err.substr(at + marker.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GT(port, 0) << rec.Stderr();
    std::string output;
    EXPECT_EQ(
        RunPython(kSmtplib, {std::to_string(port), starttls ? "tls" : "plain", rcpt}, &output), 0)
        << output;
    EXPECT_EQ(rec.Wait(std::chrono::seconds(20)), 0) << rec.Stderr();
    stderr_ = rec.Stderr();
    return ReadFile(dir_ / out);
  }

  int Run(const std::string& file, const std::string& target, std::string* output) {
    Process p({SMTP_HARNESS_BINARY, "run", (dir_ / file).string(), "--target", target, "--report",
               (dir_ / "report.json").string()},
              dir_, "run");
    int status = p.Wait(std::chrono::seconds(30));
    *output = p.Stdout() + p.Stderr();
    return status;
  }

  std::filesystem::path dir_;
  std::string stderr_;
  int recorders_ = 0;
};

TEST_F(RecordE2eTest, RecordsSmtplibThroughTheProxyAndReplaysGreen) {
  Serve serve({}, "record-serve");
  ASSERT_GT(serve.port(), 0);
  std::string target = "smtp://127.0.0.1:" + std::to_string(serve.port());
  std::string yaml = Record(target, "rec.yaml", {}, false);
  EXPECT_NE(yaml.find("transcript: |\n  S: 220 * ESMTP smtp-harness\n  C: ehlo [127.0.0.1]\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(
      yaml.find("  C: Costs $$5.\n  C: ..leading dot\n  C: .\n  S: 250 2.0.0 Ok: queued as *\n"),
      std::string::npos)
      << yaml;
  EXPECT_NE(stderr_.find("session 1 written to "), std::string::npos) << stderr_;
  std::string out;
  EXPECT_EQ(Run("rec.yaml", target, &out), 0) << out << yaml;
  EXPECT_EQ(Run("rec.yaml", "fake", &out), 0) << out << yaml;
  // The message went through the proxy byte for byte: the server stored it.
  serve.Stop();
}

TEST_F(RecordE2eTest, GradeChecksTheSameClientWithAServerModeRecording) {
  Serve serve({}, "record-grade");
  ASSERT_GT(serve.port(), 0);
  std::string yaml = Record("smtp://127.0.0.1:" + std::to_string(serve.port()), "golden.yaml",
                            {"--mode", "server"}, false);
  ASSERT_NE(yaml.find("\nmode: server\n"), std::string::npos) << yaml;
  // The client under test reads its port from SMTP_HARNESS_PORT (docs/grading.md).
  std::ofstream(dir_ / "client.py")
      << "import os, runpy, sys\n"
      << "sys.argv = ['smtplib', os.environ['SMTP_HARNESS_PORT'], 'plain', "
         "'bob@example.test']\n"
      << "exec(open(os.path.join(os.path.dirname(__file__), 'send.py')).read())\n";
  std::ofstream(dir_ / "send.py") << kSmtplib;
  // grade runs the client as nobody when the tests run as root: it must
  // reach the client's files (mkdtemp made the folder 700).
  std::filesystem::permissions(
      dir_, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                std::filesystem::perms::others_exec);
  Process grade(
      {SMTP_HARNESS_BINARY, "grade", (dir_ / "golden.yaml").string(), "--port", "0", "--report",
       (dir_ / "grade.json").string(), "--", "/usr/bin/python3", (dir_ / "client.py").string()},
      dir_, "grade");
  EXPECT_EQ(grade.Wait(std::chrono::seconds(30)), 0) << grade.Stdout() << grade.Stderr() << yaml;
}

TEST_F(RecordE2eTest, StopsRecordingAtStartTlsWithoutInterception) {
  Serve serve({"--starttls"}, "record-tls");
  ASSERT_GT(serve.port(), 0);
  std::string yaml =
      Record("smtp://127.0.0.1:" + std::to_string(serve.port()), "tls.yaml", {}, true);
  EXPECT_NE(
      yaml.find(
          "  C: STARTTLS\n  S: 220 2.0.0 Ready to start TLS\n  # recording stopped at STARTTLS: "),
      std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("MAIL FROM"), std::string::npos) << yaml;
  EXPECT_NE(
      stderr_.find(
          "session 1: recording stopped at STARTTLS: the rest of the session is encrypted and "
          "was relayed without recording (use --tls-intercept to record it)"),
      std::string::npos)
      << stderr_;
}

TEST_F(RecordE2eTest, InterceptsStartTlsAndReplaysOverTls) {
  Serve serve({"--starttls"}, "record-intercept");
  ASSERT_GT(serve.port(), 0);
  std::string target = "smtp://127.0.0.1:" + std::to_string(serve.port());
  std::string yaml = Record(target, "tls.yaml", {"--tls-intercept"}, true);
  EXPECT_NE(yaml.find("  C: STARTTLS\n  S: 220 2.0.0 Ready to start TLS\n  # TLS intercepted"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  C: mail FROM:<alice@example.test>"), std::string::npos) << yaml;
  std::string out;
  EXPECT_EQ(Run("tls.yaml", target, &out), 0) << out << yaml;
}

TEST_F(RecordE2eTest, RecordsSeveralSessionsIntoNumberedFiles) {
  Serve serve({}, "record-many");
  ASSERT_GT(serve.port(), 0);
  std::vector<std::string> argv = {SMTP_HARNESS_BINARY,
                                   "record",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--upstream",
                                   "smtp://127.0.0.1:" + std::to_string(serve.port()),
                                   "--out",
                                   (dir_ / "many.yaml").string(),
                                   "--sessions",
                                   "2"};
  Process rec(argv, dir_, "record-many");
  int port = 0;
  const std::string marker = "listening on 127.0.0.1:";
  for (int i = 0; i < 2000 && port == 0 && rec.Running(); ++i) {
    std::string err = rec.Stderr();
    size_t at = err.find(marker);
    if (at != std::string::npos && err.find(',', at) != std::string::npos)
      port = std::stoi(err.substr(at + marker.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GT(port, 0) << rec.Stderr();
  std::string output;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(RunPython(kSmtplib, {std::to_string(port), "plain", "bob@example.test"}, &output), 0)
        << output;
  }
  EXPECT_EQ(rec.Wait(std::chrono::seconds(20)), 0) << rec.Stderr();
  EXPECT_NE(ReadFile(dir_ / "many-1.yaml").find("name: \"many-1\""), std::string::npos);
  EXPECT_NE(ReadFile(dir_ / "many-2.yaml").find("S: 221 2.0.0 * closing connection"),
            std::string::npos)
      << ReadFile(dir_ / "many-2.yaml");
}

TEST_F(RecordE2eTest, RejectsABadUpstream) {
  Process p(
      {SMTP_HARNESS_BINARY, "record", "--upstream", "fake", "--out", (dir_ / "x.yaml").string()},
      dir_, "bad");
  EXPECT_EQ(p.Wait(), 2);
  EXPECT_EQ(p.Stderr(),
            "smtp-harness record: invalid --upstream 'fake': expected smtp://HOST:PORT or "
            "smtps://HOST:PORT\n");
}

TEST_F(RecordE2eTest, RecordsPostfixAndReplaysAgainstPostfixAndTheFakeServer) {
  std::string postfix = Env("POSTFIX_SMTP");
  if (postfix.empty()) {
    if (RequireRealServers()) FAIL() << "POSTFIX_SMTP is not set";
    GTEST_SKIP() << "POSTFIX_SMTP is not set (run ci/postfix start)";
  }
  std::string domain =
      Env("POSTFIX_DOMAIN").empty() ? "postfix.smtp-harness.test" : Env("POSTFIX_DOMAIN");
  std::string target = "smtp://" + postfix;
  std::string yaml = Record(target, "pf.yaml", {}, false, "bob@" + domain);
  EXPECT_NE(yaml.find("S: 250 2.0.0 Ok: queued as *"), std::string::npos) << yaml;
  std::string out;
  EXPECT_EQ(Run("pf.yaml", target, &out), 0) << out << yaml;
  // Another server: generalised to reply codes only.
  Record(target, "pf_code.yaml", {"--generalise", "code"}, false, "bob@" + domain);
  EXPECT_EQ(Run("pf_code.yaml", "fake", &out), 0) << out;
  Serve serve({}, "record-pf-serve");
  Record("smtp://127.0.0.1:" + std::to_string(serve.port()), "fake_code.yaml",
         {"--generalise", "code"}, false, "bob@" + domain);
  EXPECT_EQ(Run("fake_code.yaml", target, &out), 0) << out;
}

}  // namespace
}  // namespace smtp::e2e
