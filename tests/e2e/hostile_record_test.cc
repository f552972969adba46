// Issue 17, item 4, for `record`: its scenario files are written like the
// reports (a fresh mkstemp file renamed over the target, never through a
// planted name), and an --out that cannot be written or that names one of
// its inputs (--tls-cert, --tls-key) is exit 2 before it listens; what a
// client sends after a refused AUTH is not written either.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/record_support.h"
#include "tests/support/tcp_client.h"

namespace smtp::e2e {
namespace {

namespace fs = std::filesystem;
using smtp::testing::TcpClient;

TEST(HostileRecord, APlantedSymlinkAtTheTemporaryNameIsNotFollowed) {
  auto dir = MakeTempDir("record-planted");
  Serve upstream({}, "record-planted-up");
  ASSERT_GT(upstream.port(), 0);
  std::ofstream(dir / "victim") << "precious\n";
  fs::create_symlink(dir / "victim", dir / "s.yaml.tmp");
  Recorder rec(dir, "smtp://127.0.0.1:" + std::to_string(upstream.port()),
               (dir / "s.yaml").string(), {}, "record-planted");
  ASSERT_GT(rec.port(), 0) << rec.Stderr();
  {
    TcpClient c(rec.port());
    EXPECT_EQ(c.ReadReply().substr(0, 4), "220 ");
    // Credentials sent after a refused AUTH stay out of the file too.
    c.Send("AUTH LOGIN\r\n");
    EXPECT_EQ(c.ReadReply().substr(0, 1), "5");
    c.Send("YWxpY2U=\r\n");
    c.ReadReply();
    c.Send("UzNjcmV0\r\n");
    c.ReadReply();
    c.Send("QUIT\r\n");
    EXPECT_EQ(c.ReadReply().substr(0, 4), "221 ");
  }
  EXPECT_EQ(rec.Wait(), 0) << rec.Stderr();
  EXPECT_EQ(ReadFile(dir / "victim"), "precious\n");
  std::string recorded = ReadFile(dir / "s.yaml");
  EXPECT_NE(recorded.find("QUIT"), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("YWxpY2U="), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find("UzNjcmV0"), std::string::npos) << recorded;
  fs::remove_all(dir);
}

TEST(HostileRecord, AnOutPathItCannotWriteOrThatIsAnInputIsRefusedBeforeListening) {
  auto dir = MakeTempDir("record-out");
  std::ofstream(dir / "cert.pem") << "not a certificate, but mine\n";
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {{"--out", (dir / "missing" / "s.yaml").string()}, "cannot write"},
           {{"--out", (dir / "cert.pem").string(), "--tls-intercept", "--tls-cert",
             (dir / "cert.pem").string(), "--tls-key", (dir / "cert.pem").string()},
            "is the input"},
       }) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "record",     "--listen",
                                     "127.0.0.1:0",       "--upstream", "smtp://127.0.0.1:9"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    ProcOptions o;
    o.timeout = std::chrono::seconds(5);
    auto r = RunProcess(argv, o);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("listening"), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadFile(dir / "cert.pem"), "not a certificate, but mine\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
