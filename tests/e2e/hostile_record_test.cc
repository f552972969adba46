// Issue 17, item 4, for `record`: its scenario files are written like the
// reports (a fresh mkstemp file renamed over the target, never through a
// planted name), and an --out that cannot be written or that names one of
// its inputs (--tls-cert, --tls-key) is exit 2 before it listens; what a
// client sends after a refused AUTH is not written either.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "tests/e2e/record_support.h"
#include "tests/support/tcp_client.h"

namespace smtp::e2e {
namespace {

namespace fs = std::filesystem;
using smtp::testing::PeakRssKiB;
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

// An upstream that answers EHLO with a reply that never ends: record
// relays it all, but keeps (and writes) only the first 32 MiB of the session
// and says so (before: 8.4 GB of memory after 8 s, and no file).
TEST(HostileRecord, AFloodingUpstreamIsRelayedButNotKeptWhole) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::thread upstream([listener] {
    int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    std::string lines;
    for (int i = 0; i < 200; ++i) lines += "250-" + std::string(500, 'x') + "\r\n";
    ::send(fd, "220 flood.test ESMTP\r\n", 22, MSG_NOSIGNAL);
    char c;
    while (::recv(fd, &c, 1, 0) == 1 && c != '\n') {
    }
    while (::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL) > 0) {
    }
    ::close(fd);
  });
  auto dir = MakeTempDir("record-flood");
  Process rec({SMTP_HARNESS_BINARY, "record", "--listen", "127.0.0.1:0", "--upstream",
               "smtp://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), "--out",
               (dir / "f.yaml").string(), "--timeout", "10s"},
              dir, "record-flood");
  struct Joiner {  // the upstream thread ends once its listener is shut
    int fd;
    std::thread& t;
    ~Joiner() {
      ::shutdown(fd, SHUT_RDWR);
      t.join();
      ::close(fd);
    }
  } joiner{listener, upstream};
  int port = 0;
  for (int i = 0; i < 1000 && port == 0 && rec.Running(); ++i) {
    std::string err = rec.Stderr();
    size_t at = err.find("listening on 127.0.0.1:");
    if (at != std::string::npos && err.find(',', at) != std::string::npos) {
      port = std::atoi(err.c_str() + at + 23);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(port, 0) << rec.Stderr();
  size_t got = 0;
  long peak_kib = 0;
  {
    TcpClient c(port);
    c.Send("EHLO x\r\n");
    while (got < (size_t{320} << 20) && c.ReadSome(std::chrono::seconds(5))) {
      got += c.TakeBuffered().size();
    }
    peak_kib = PeakRssKiB(rec.pid());
  }
  EXPECT_EQ(rec.Wait(std::chrono::seconds(20)), 0) << rec.Stderr();
  EXPECT_GE(got, size_t{320} << 20);  // all relayed
  std::printf("[ FIGURE   ] record peak RSS relaying a 320 MiB reply = %ld KiB\n", peak_kib);
  EXPECT_LT(peak_kib, 200 * 1024);
  EXPECT_LT(fs::file_size(dir / "f.yaml"), uintmax_t{40} << 20);
  EXPECT_NE(ReadFile(dir / "f.yaml").find("recording stopped"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace smtp::e2e
