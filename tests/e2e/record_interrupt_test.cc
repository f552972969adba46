// `smtp-harness record` interrupted (SIGINT/SIGTERM) and recording BDAT, end
// to end: a raw client talks through the recording proxy to
// `smtp-harness serve` (which advertises CHUNKING).
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/serve_process.h"
#include "tests/support/tcp_client.h"

namespace smtp::e2e {

using smtp::testing::Clock;
using smtp::testing::PeakRssKiB;
using smtp::testing::RaiseFdLimit;
using smtp::testing::TcpClient;
namespace {

class RecordProxyE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeTempDir("record-int"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Starts `record` relaying to `upstream_port`; returns its listening port.
  int StartRecord(int upstream_port, const std::string& out, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY,
                                     "record",
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--upstream",
                                     "smtp://127.0.0.1:" + std::to_string(upstream_port),
                                     "--out",
                                     (dir_ / out).string(),
                                     "--timeout",
                                     "10s"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    rec_ = std::make_unique<Process>(argv, dir_, "record");
    const std::string marker = "listening on 127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && rec_->Running()) {
      std::string err = rec_->Stderr();
      size_t at = err.find(marker);
      if (at != std::string::npos && err.find(',', at) != std::string::npos)
        return std::stoi(err.substr(at + marker.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return 0;
  }

  // Sends `line` + CRLF, returns the reply.
  static std::string Say(TcpClient& c, const std::string& line) {
    c.Send(line + "\r\n");
    return c.ReadReply();
  }

  // A session up to RCPT: greeting, EHLO, MAIL, RCPT.
  static void Begin(TcpClient& c) {
    EXPECT_EQ(c.ReadReply().substr(0, 4), "220 ");
    EXPECT_NE(Say(c, "EHLO client.example.test").find("250 "), std::string::npos);
    EXPECT_EQ(Say(c, "MAIL FROM:<alice@example.test>").substr(0, 4), "250 ");
    EXPECT_EQ(Say(c, "RCPT TO:<bob@example.test>").substr(0, 4), "250 ");
  }

  int Smtp(std::vector<std::string> args, std::string* output) {
    args.insert(args.begin(), SMTP_HARNESS_BINARY);
    Process p(args, dir_, "cmd");
    int status = p.Wait(std::chrono::seconds(30));
    *output = p.Stdout() + p.Stderr();
    return status;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Process> rec_;
};

TEST_F(RecordProxyE2eTest, SigintWritesThePartialSessionWithANoteAndExits1) {
  Serve serve({}, "record-int-serve");
  ASSERT_GT(serve.port(), 0);
  int port = StartRecord(serve.port(), "cut.yaml");
  ASSERT_GT(port, 0) << rec_->Stderr();
  TcpClient client(port);
  ASSERT_TRUE(client.ok());
  Begin(client);
  rec_->Signal(SIGINT);
  EXPECT_EQ(rec_->Wait(std::chrono::seconds(10)), 1) << rec_->Stderr();
  EXPECT_TRUE(client.ReadUntilClose(std::chrono::seconds(5)));  // the proxy closed the client
  std::string yaml = ReadFile(dir_ / "cut.yaml");
  EXPECT_NE(yaml.find("  C: EHLO client.example.test\n"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("  C: MAIL FROM:<alice@example.test>\n  S: 250 2.1.0 Sender * OK\n"
                      "  C: RCPT TO:<bob@example.test>\n  S: 250 2.1.5 Recipient * OK\n"
                      "  # recording interrupted: SIGINT; "),
            std::string::npos)
      << yaml;
  std::string err = rec_->Stderr();
  EXPECT_NE(err.find("session 1: recording interrupted: SIGINT"), std::string::npos) << err;
  EXPECT_NE(err.find("session 1 (partial: interrupted) written to " + (dir_ / "cut.yaml").string()),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("interrupted; 1 session(s) written (1 partial)"), std::string::npos) << err;
  // The partial recording is a valid scenario, and replays what it holds.
  std::string out;
  EXPECT_EQ(Smtp({"validate", (dir_ / "cut.yaml").string()}, &out), 0) << out << yaml;
  EXPECT_EQ(Smtp({"run", (dir_ / "cut.yaml").string(), "--target",
                  "smtp://127.0.0.1:" + std::to_string(serve.port()), "--report",
                  (dir_ / "r.json").string()},
                 &out),
            0)
      << out << yaml;
}

TEST_F(RecordProxyE2eTest, SigtermMidMessageWritesEveryStartedSession) {
  Serve serve({}, "record-int-many");
  ASSERT_GT(serve.port(), 0);
  int port = StartRecord(serve.port(), "many.yaml", {"--sessions", "3"});
  ASSERT_GT(port, 0) << rec_->Stderr();
  {
    TcpClient first(port);
    Begin(first);
    EXPECT_EQ(Say(first, "QUIT").substr(0, 4), "221 ");
  }
  // The first session is written once it has ended.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (rec_->Stderr().find("session 1 written") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  TcpClient second(port);
  Begin(second);
  EXPECT_EQ(Say(second, "DATA").substr(0, 4), "354 ");
  second.Send("Subject: half a message\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // relayed and recorded
  rec_->Signal(SIGTERM);
  EXPECT_EQ(rec_->Wait(std::chrono::seconds(10)), 1) << rec_->Stderr();
  std::string one = ReadFile(dir_ / "many-1.yaml"), two = ReadFile(dir_ / "many-2.yaml");
  EXPECT_NE(one.find("  C: QUIT\n  S: 221 2.0.0 * closing connection\n"), std::string::npos) << one;
  EXPECT_EQ(one.find("interrupted"), std::string::npos) << one;
  EXPECT_NE(two.find("  C: DATA\n  # recording interrupted: SIGTERM; "), std::string::npos) << two;
  EXPECT_NE(two.find("# the session ended inside a message: the 354 reply and the 1 message "
                     "line(s) after it"),
            std::string::npos)
      << two;
  EXPECT_EQ(two.find("half a message"), std::string::npos) << two;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "many-3.yaml"));
  EXPECT_NE(rec_->Stderr().find("interrupted; 2 session(s) written (1 partial)"), std::string::npos)
      << rec_->Stderr();
  std::string out;
  EXPECT_EQ(Smtp({"validate", (dir_ / "many-2.yaml").string()}, &out), 0) << out << two;
}

TEST_F(RecordProxyE2eTest, InterruptedBeforeAnyClientWritesNothing) {
  Serve serve({}, "record-int-none");
  ASSERT_GT(serve.port(), 0);
  ASSERT_GT(StartRecord(serve.port(), "none.yaml"), 0) << rec_->Stderr();
  rec_->Signal(SIGINT);
  EXPECT_EQ(rec_->Wait(std::chrono::seconds(10)), 1) << rec_->Stderr();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.yaml"));
  EXPECT_NE(rec_->Stderr().find(
                "smtp-harness record: interrupted before any client connected; nothing written\n"),
            std::string::npos)
      << rec_->Stderr();
}

TEST_F(RecordProxyE2eTest, RecordsABdatSessionAndReplaysItGreen) {
  auto maildir = dir_ / "mail";
  Serve serve({"--maildir", maildir.string()}, "record-bdat");
  ASSERT_GT(serve.port(), 0);
  int port = StartRecord(serve.port(), "bdat.yaml");
  ASSERT_GT(port, 0) << rec_->Stderr();
  {
    TcpClient client(port);
    EXPECT_EQ(client.ReadReply().substr(0, 4), "220 ");
    std::string ehlo = Say(client, "EHLO client.example.test");
    ASSERT_NE(ehlo.find("CHUNKING"), std::string::npos) << ehlo;
    EXPECT_EQ(Say(client, "MAIL FROM:<alice@example.test>").substr(0, 4), "250 ");
    EXPECT_EQ(Say(client, "RCPT TO:<bob@example.test>").substr(0, 4), "250 ");
    // A first chunk of lines that look like commands, then the last one.
    std::string chunk = "Subject: b\r\n.\r\nQUIT\r\n";
    client.Send("BDAT " + std::to_string(chunk.size()) + "\r\n" + chunk);
    EXPECT_EQ(client.ReadReply().substr(0, 4), "250 ");
    client.Send("BDAT 10 LAST\r\n0123456789");
    EXPECT_EQ(client.ReadReply().substr(0, 4), "250 ");
    EXPECT_EQ(Say(client, "QUIT").substr(0, 4), "221 ");
  }
  EXPECT_EQ(rec_->Wait(std::chrono::seconds(10)), 0) << rec_->Stderr();
  std::string yaml = ReadFile(dir_ / "bdat.yaml");
  EXPECT_NE(yaml.find("  - send_raw: \"BDAT 21\\r\\nSubject: b\\r\\n.\\r\\nQUIT\\r\\n\"\n"
                      "    expect: {glob: \"250 2.0.0 * octets received\"}\n"
                      "  - send_raw: \"BDAT 10 LAST\\r\\n0123456789\"\n"
                      "    expect: {glob: \"250 2.0.0 Message accepted, * octets\"}\n"
                      "  - send: \"QUIT\"\n"),
            std::string::npos)
      << yaml;
  auto stored = Messages(maildir);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_NE(ReadFile(stored[0]).find("Subject: b\r\n.\r\nQUIT\r\n0123456789"), std::string::npos)
      << ReadFile(stored[0]);
  std::string out;
  EXPECT_EQ(Smtp({"run", (dir_ / "bdat.yaml").string(), "--target",
                  "smtp://127.0.0.1:" + std::to_string(serve.port()), "--report",
                  (dir_ / "r.json").string()},
                 &out),
            0)
      << out << yaml;
  EXPECT_EQ(Messages(maildir).size(), 2u);  // the replay delivered the same message
}

}  // namespace
}  // namespace smtp::e2e
