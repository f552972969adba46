// `record` and credentials, and `record` with an upstream that is not there.
//
// AUTH: msmtp authenticates (PLAIN, then LOGIN) through the recording proxy
// to `serve`; neither the recording (client or server mode) nor anything
// its replay writes (run -v, grade, JSON, JUnit and Gradescope reports,
// stdout, stderr) holds the password, in clear or base64. The replay takes
// the credentials from SMTP_HARNESS_USER/SMTP_HARNESS_PASSWORD.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness/core/base64.h"
#include "tests/e2e/record_support.h"

namespace smtp::e2e {
namespace {

const char* kUser = "tester";
const char* kPassword = "Pw-only-in-the-test-7x";

class RecordSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeSharedTempDir("record-secrets"); }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::string Msmtp(const std::string& port, const std::string& mechanism) {
    return ShellWords({"/usr/bin/msmtp", "--host=127.0.0.1", "--port=" + port,
                       "--domain=client.example.test", "--from=alice@example.test", "--tls=off",
                       "--auth=" + mechanism, std::string("--user=") + kUser,
                       "--passwordeval=cat " + Path("client-password.txt"), "bob@example.test"}) +
           " < " + ShellWords({Path("msg.eml")});
  }

  // Every file under dir_ and every captured output, searched for the
  // password and its base64 forms.
  void ExpectNoSecretAnywhere(const std::string& outputs) {
    std::vector<std::string> forms = {
        kPassword, Base64Encode(kPassword),
        Base64Encode(std::string("\0", 1) + kUser + std::string("\0", 1) + kPassword),
        Base64Encode(std::string(kUser) + std::string("\0", 1) + kUser + std::string("\0", 1) +
                     kPassword)};
    int files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_)) {
      // The client's own input (its command line names the file, not the password).
      if (!e.is_regular_file() || e.path().filename() == "client-password.txt") continue;
      ++files;
      std::string text = ReadFile(e.path());
      for (const auto& f : forms)
        EXPECT_EQ(text.find(f), std::string::npos) << e.path() << " holds " << f << ":\n" << text;
    }
    EXPECT_GE(files, 10);
    for (const auto& f : forms) EXPECT_EQ(outputs.find(f), std::string::npos) << outputs;
  }

  std::filesystem::path dir_;
};

TEST_F(RecordSecretsTest, NoRecordingOrReplayOutputHoldsThePassword) {
  WriteShared(dir_ / "msg.eml", "Subject: secrets\n\nnothing secret here\n");
  WriteShared(dir_ / "client-password.txt", kPassword);
  Serve serve({"--auth-user", std::string(kUser) + ":" + kPassword}, "record-secrets-serve");
  ASSERT_GT(serve.port(), 0);
  std::string upstream = "smtp://127.0.0.1:" + std::to_string(serve.port());
  std::map<std::string, std::string> creds = {{"SMTP_HARNESS_USER", kUser},
                                              {"SMTP_HARNESS_PASSWORD", kPassword}};
  std::string outputs;
  for (std::string mech : {"plain", "login"}) {
    for (std::string mode : {"client", "server"}) {
      std::string file = mech + "-" + mode + ".yaml";
      Recorder rec(dir_, upstream, Path(file), {"--mode", mode}, file + ".record");
      ASSERT_GT(rec.port(), 0) << rec.Stderr();
      ProcResult c = Shell(Msmtp(std::to_string(rec.port()), mech));
      ASSERT_EQ(c.exit_code, 0) << c.out << c.err;
      ASSERT_EQ(rec.Wait(), 0) << rec.Stderr();
      std::string yaml = ReadFile(dir_ / file);
      EXPECT_NE(yaml.find("username: \"${env:SMTP_HARNESS_USER}\", password: "
                          "\"${env:SMTP_HARNESS_PASSWORD}\"}"),
                std::string::npos)
          << yaml;
      EXPECT_NE(yaml.find("# AUTH " + std::string(mech == "plain" ? "PLAIN" : "LOGIN") +
                          ": the credentials were not recorded."),
                std::string::npos)
          << yaml;
      std::vector<std::string> reports = {"--report",     Path(file + ".json"),
                                          "--junit",      Path(file + ".xml"),
                                          "--gradescope", Path(file + ".gs.json")};
      std::vector<std::string> argv;
      if (mode == "client") {
        argv = {SMTP_HARNESS_BINARY, "run", Path(file), "--target", upstream, "-v"};
        argv.insert(argv.end(), reports.begin(), reports.end());
      } else {
        argv = {SMTP_HARNESS_BINARY, "grade", Path(file), "--port", "0", "-v"};
        argv.insert(argv.end(), reports.begin(), reports.end());
        argv.insert(argv.end(), {"--", "/bin/sh", "-c", Msmtp("$SMTP_HARNESS_PORT", mech)});
      }
      ProcResult r = Exec(argv, creds);
      EXPECT_EQ(r.exit_code, 0) << r.out << r.err << yaml;
      outputs += c.out + c.err + rec.Stderr() + r.out + r.err;
      // A wrong password fails the replay; the message names no secret.
      ProcResult wrong =
          Exec(argv, {{"SMTP_HARNESS_USER", kUser}, {"SMTP_HARNESS_PASSWORD", "nope"}});
      EXPECT_EQ(wrong.exit_code, 1) << wrong.out << wrong.err;
      outputs += wrong.out + wrong.err;
    }
  }
  // Without the variables, the replay is refused before it starts and says which is missing.
  ProcResult unset = Exec({SMTP_HARNESS_BINARY, "run", Path("plain-client.yaml"), "--target",
                           upstream, "--report", "-"},
                          {{"SMTP_HARNESS_USER", ""}, {"SMTP_HARNESS_PASSWORD", ""}});
  EXPECT_EQ(unset.exit_code, 2) << unset.out << unset.err;
  EXPECT_NE(unset.err.find("SMTP_HARNESS_"), std::string::npos) << unset.err;
  ExpectNoSecretAnywhere(outputs);
}

int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);  // nothing listens there now
  return ntohs(a.sin_port);
}

TEST(RecordDeadUpstreamTest, ClientGets421AndNothingIsWritten) {
  auto dir = MakeSharedTempDir("record-dead");
  std::string upstream = "smtp://127.0.0.1:" + std::to_string(ClosedPort());
  Recorder rec(dir, upstream, (dir / "dead.yaml").string(), {}, "dead");
  ASSERT_GT(rec.port(), 0) << rec.Stderr();
  // What a client sees: swaks prints the server's lines.
  ProcResult c =
      Shell(ShellWords({"/usr/bin/swaks", "--server", "127.0.0.1:" + std::to_string(rec.port()),
                        "--to", "bob@example.test", "--timeout", "10"}));
  EXPECT_NE(c.out.find("<** 421 4.4.0 smtp-harness record: cannot reach the upstream server " +
                       upstream + ": connect: Connection refused"),
            std::string::npos)
      << c.out << c.err;
  EXPECT_EQ(rec.Wait(), 1) << rec.Stderr();
  EXPECT_NE(rec.Stderr().find("session 1 not recorded: nothing was relayed; "), std::string::npos)
      << rec.Stderr();
  EXPECT_FALSE(std::filesystem::exists(dir / "dead.yaml"));
  EXPECT_FALSE(std::filesystem::exists(dir / "dead.yaml.tmp"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
