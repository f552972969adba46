// Issue 17, item 2: slowloris against `serve`. 1,000 connections from one
// address drip a command a byte a second (so the idle timer, reset per
// byte, never fires). The per-client limit keeps half the slots free for
// other addresses, and the command deadline, which bytes do not reset,
// closes every dripping connection.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "tests/e2e/hostile_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

void Figure(const char* name, long value) {
  std::printf("[ FIGURE   ] %s = %ld\n", name, value);
  ::testing::Test::RecordProperty(name, std::to_string(value));
}

TEST(HostileSlowloris, DrippingConnectionsLeaveRoomAndMeetTheCommandDeadline) {
  constexpr int kDrip = 1000;
  RaiseFdLimit(2 * kDrip + 200);
  Serve serve({"--idle-timeout", "3s", "--command-timeout", "4s"}, "drip");
  ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
  auto t0 = Clock::now();
  std::vector<TcpClient> conns;
  conns.reserve(kDrip);
  int greeted = 0, refused = 0;
  std::vector<bool> done(kDrip, false);  // refused at once: not dripping
  for (int i = 0; i < kDrip; ++i) {
    conns.emplace_back(serve.port());
    std::string first = conns.back().ReadReply(seconds(10));
    if (first.rfind("220 ", 0) == 0) ++greeted;
    if (first == "421 4.7.0 Too many connections from 127.0.0.1, try again later\r\n") {
      ++refused;
      done[i] = true;
    }
  }
  Figure("drip_greeted", greeted);
  Figure("drip_refused_per_client", refused);
  EXPECT_EQ(greeted, 500);  // the default per-client limit: half of --max-sessions 1000
  EXPECT_EQ(refused, 500);
  // Another address still gets in while the attack goes on.
  NormalSessionCompletes(serve.port(), "other-address", seconds(5), "127.0.0.2");

  // Drip one byte a second for 8 s, never completing the line.
  const std::string command = "EHLO a-rather-long-name-that-takes-a-while.example.test\r\n";
  int closed = 0;
  for (size_t tick = 0; tick < 8; ++tick) {
    for (size_t i = 0; i < conns.size(); ++i) {
      if (!done[i]) conns[i].TrySend(command.substr(tick, 1));
    }
    std::this_thread::sleep_for(seconds(1));
  }
  auto deadline = Clock::now() + seconds(5);
  for (size_t i = 0; i < conns.size(); ++i) {
    auto& c = conns[i];
    if (done[i]) continue;
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (c.ReadUntilClose(std::max(left, milliseconds(1))) &&
        c.buffered().ends_with("421 fake.smtp-harness.test Error: timeout exceeded\r\n")) {
      ++closed;
    }
  }
  Figure("drip_closed_by_command_deadline", closed);
  Figure("drip_test_seconds", std::chrono::duration_cast<seconds>(Clock::now() - t0).count());
  EXPECT_EQ(closed, 500);
  long rss = PeakRssKiB(serve.process().pid());
  Figure("drip_serve_vmhwm_kib", rss);
  NormalSessionCompletes(serve.port(), "after-drip");
  EXPECT_EQ(serve.Stop(), 0);
}

TEST(HostileSlowloris, DataPhaseHasItsOwnDeadline) {
  Serve serve({"--idle-timeout", "3s", "--data-timeout", "2s"}, "drip-data");
  ASSERT_GT(serve.port(), 0);
  TcpClient c(serve.port());
  ASSERT_EQ(c.ReadReply().substr(0, 4), "220 ");
  c.Send("EHLO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  std::string replies;
  for (int i = 0; i < 5 && replies.find("354 ") == std::string::npos; ++i) replies += c.ReadReply();
  ASSERT_NE(replies.find("354 "), std::string::npos) << replies;
  auto t0 = Clock::now();
  // Complete lines, one every 500 ms: bytes and even lines keep coming.
  for (int i = 0; i < 12 && !c.closed(); ++i) {
    c.Send("line " + std::to_string(i) + "\r\n");
    if (c.ReadUntilClose(milliseconds(500))) break;
  }
  auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - t0);
  EXPECT_TRUE(c.closed());
  EXPECT_NE(c.buffered().find("421 4.4.2 fake.smtp-harness.test Error: timeout exceeded"),
            std::string::npos)
      << c.buffered();
  EXPECT_LT(took, seconds(4));
  Figure("data_deadline_close_ms", took.count());
  EXPECT_EQ(serve.Stop(), 0);
}

// A TLS handshake dripped a byte at a time (after STARTTLS, or on the
// implicit-TLS port) is the client's turn too: the command deadline ends
// it, not the idle timeout (before: 30 s here, the idle timeout).
constexpr const char* kTlsDrip = R"PY(
import socket, ssl, sys, time
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = ctx.wrap_bio(incoming, outgoing)
try:
    tls.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = outgoing.read()  # a real ClientHello, dripped below
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.25)
def read():
    try:
        return s.recv(4096)
    except socket.timeout:
        return None
if sys.argv[2] == "starttls":
    time.sleep(0.2); read()
    s.sendall(b"EHLO x\r\n"); time.sleep(0.2); read()
    s.sendall(b"STARTTLS\r\n"); time.sleep(0.2); print(read())
t0 = time.time()
for i in range(10 ** 6):
    try:
        s.sendall(hello[i % len(hello):i % len(hello) + 1])
    except OSError:
        break
    if read() == b"" or time.time() - t0 > 20:
        break
print("closed after %.1f s" % (time.time() - t0))
)PY";

TEST(HostileSlowloris, ADrippedTlsHandshakeMeetsTheCommandDeadline) {
  for (const char* how : {"starttls", "tls"}) {
    Serve serve({std::string("--") + how, "--idle-timeout", "30s", "--command-timeout", "1s"},
                std::string("drip-") + how);
    ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
    std::string out;
    ASSERT_EQ(RunPython(kTlsDrip, {std::to_string(serve.port()), how}, &out, 30), 0) << out;
    if (std::string(how) == "starttls") {
      EXPECT_NE(out.find("220 2.0.0 Ready"), std::string::npos) << out;
    }
    size_t at = out.find("closed after ");
    ASSERT_NE(at, std::string::npos) << out;
    double secs = std::atof(out.c_str() + at + 13);
    EXPECT_LT(secs, 4.0) << how << ": " << out;
  }
}

}  // namespace
}  // namespace smtp::e2e
