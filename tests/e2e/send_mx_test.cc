// `send` without --server: MX delivery (RFC 5321 §5.1) resolved through a
// local dnsmasq (Debian's dnsmasq-base) on an ephemeral loopback port,
// pointing at scripted servers on 127.0.0.1 / ::1. `--port` gives the port
// the MX hosts listen on (MX records carry no port).
#include <gtest/gtest.h>

#include <optional>

#include "harness/client/mx_resolver.h"
#include "tests/e2e/send_support.h"
#include "tests/support/child_process.h"

namespace smtp::send_e2e {
namespace {

constexpr const char* kDnsmasq = "/usr/sbin/dnsmasq";

// A port free for both UDP and TCP (dnsmasq binds both): UDP and TCP
// ephemeral ports are handed out independently, so the UDP port we get may
// be the TCP port a scripted server already listens on.
int FreeDnsPort() {
  for (int i = 0; i < 50; ++i) {
    int port = FreePort(SOCK_DGRAM);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return port;
  }
  return FreePort(SOCK_DGRAM);
}

// An empty dnsmasq configuration. Not /dev/null: a tool that replaces
// /dev/null with a regular file (a rename onto it, as root) would feed dnsmasq
// garbage and fail these tests for a reason that is not theirs.
std::string EmptyConfFile() {
  std::string path = ::testing::TempDir() + "send_mx_dnsmasq_empty.conf";
  std::ofstream(path, std::ios::trunc).flush();
  return path;
}

// dnsmasq serving only what the test gives it; killed on destruction.
class Dnsmasq {
 public:
  explicit Dnsmasq(const std::vector<std::string>& records) : port_(FreeDnsPort()) {
    std::vector<std::string> argv{kDnsmasq, "--no-daemon", "--port=" + std::to_string(port_),
                                  "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
                                  "--no-hosts", "--conf-file=" + EmptyConfFile(),
                                  "--pid-file=", "--user=root",
                                  // Answer everything under .test locally: unknown names get
                                  // NXDOMAIN, known names without the asked type NODATA
                                  // (instead of REFUSED for want of an upstream server).
                                  "--local=/test/"};
    argv.insert(argv.end(), records.begin(), records.end());
    process_.emplace(argv);
  }

  std::string server() const { return "127.0.0.1:" + std::to_string(port_); }

  // Waits until `domain` resolves (dnsmasq needs a moment to bind).
  bool WaitReady(const std::string& probe_name) {
    for (int i = 0; i < 50; ++i) {
      MxResolver r({server(), std::chrono::milliseconds(200)});
      auto hosts = r.Resolve(probe_name);
      if (hosts.ok() || hosts.status().code() == Status::Code::kNotFound) return true;
      last_error_ = hosts.status().message() + "; dnsmasq said: " + process_->Stderr();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  int port_;
  std::optional<test::ChildProcess> process_;  // stopped (SIGTERM, then SIGKILL) on destruction

 public:
  std::string last_error_;  // why WaitReady gave up
};

bool HaveDnsmasq() { return access(kDnsmasq, X_OK) == 0; }

std::vector<std::string> MxArgs(const std::string& to, const Dnsmasq& dns, int port) {
  return {"--from",       "alice@example.test",
          "--to",         to,
          "--helo",       "[127.0.0.1]",
          "--body",       "via MX",
          "--dns-server", dns.server(),
          "--port",       std::to_string(port),
          "--timeout",    "5s",
          "--json"};
}

#define REQUIRE_DNSMASQ()                                                         \
  if (!HaveDnsmasq()) {                                                           \
    if (RequireRealServers()) FAIL() << kDnsmasq << " missing (ci/install-deps)"; \
    GTEST_SKIP() << kDnsmasq << " missing";                                       \
  }

TEST(SendMx, LowestPreferenceWins) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({"--reply", "DOT=250 2.0.0 Ok: queued as V4HOST"});
  auto v6 = StartScripted({"--listen", "::1", "--port", std::to_string(v4->port()), "--reply",
                           "DOT=250 2.0.0 Ok: queued as V6HOST"});
  Dnsmasq dns({"--mx-host=pref.test,v4.pref.test,20", "--mx-host=pref.test,v6.pref.test,10",
               "--host-record=v4.pref.test,127.0.0.1", "--host-record=v6.pref.test,::1"});
  ASSERT_TRUE(dns.WaitReady("pref.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@pref.test", dns, v4->port()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"queue_id\":\"V6HOST\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"server\":\"[::1]:" + std::to_string(v4->port()) + "\""),
            std::string::npos);
}

TEST(SendMx, PreferenceOrderNotRecordOrder) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({"--reply", "DOT=250 2.0.0 Ok: queued as V4HOST"});
  auto v6 = StartScripted({"--listen", "::1", "--port", std::to_string(v4->port()), "--reply",
                           "DOT=250 2.0.0 Ok: queued as V6HOST"});
  Dnsmasq dns({"--mx-host=pref.test,v6.pref.test,30", "--mx-host=pref.test,v4.pref.test,5",
               "--host-record=v4.pref.test,127.0.0.1", "--host-record=v6.pref.test,::1"});
  ASSERT_TRUE(dns.WaitReady("pref.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@pref.test", dns, v4->port()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"queue_id\":\"V4HOST\""), std::string::npos) << r.out;
}

TEST(SendMx, FallsBackToTheNextMxWhenTheFirstRefusesConnections) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({});  // nothing listens on [::1] at this port
  Dnsmasq dns({"--mx-host=fb.test,dead.fb.test,10", "--mx-host=fb.test,live.fb.test,20",
               "--host-record=dead.fb.test,::1", "--host-record=live.fb.test,127.0.0.1"});
  ASSERT_TRUE(dns.WaitReady("fb.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@fb.test", dns, v4->port()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"server\":\"127.0.0.1:" + std::to_string(v4->port()) + "\""),
            std::string::npos)
      << r.out;
}

TEST(SendMx, BusyFirstMxIsSkippedForTheNext) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({"--reply", "DOT=250 2.0.0 Ok: queued as V4HOST"});
  auto v6 = StartScripted({"--listen", "::1", "--port", std::to_string(v4->port()), "--greeting",
                           "421 4.3.2 too busy, try later"});
  Dnsmasq dns({"--mx-host=busy.test,v6.busy.test,10", "--mx-host=busy.test,v4.busy.test,20",
               "--host-record=v4.busy.test,127.0.0.1", "--host-record=v6.busy.test,::1"});
  ASSERT_TRUE(dns.WaitReady("busy.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@busy.test", dns, v4->port()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"queue_id\":\"V4HOST\""), std::string::npos) << r.out;
}

TEST(SendMx, RefusalByTheFirstMxIsFinal) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({});
  auto v6 = StartScripted({"--listen", "::1", "--port", std::to_string(v4->port()), "--greeting",
                           "554 5.7.1 no mail from you"});
  Dnsmasq dns({"--mx-host=final.test,v6.final.test,10", "--mx-host=final.test,v4.final.test,20",
               "--host-record=v4.final.test,127.0.0.1", "--host-record=v6.final.test,::1"});
  ASSERT_TRUE(dns.WaitReady("final.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@final.test", dns, v4->port()));
  EXPECT_EQ(r.exit_code, 21);
  EXPECT_NE(r.err.find("greeting failed ([::1]:" + std::to_string(v4->port()) +
                       "): greeting refused: 554 5.7.1 no mail from you\n"),
            std::string::npos)
      << r.err;
}

TEST(SendMx, NoMxRecordUsesTheAddressRecord) {
  REQUIRE_DNSMASQ();
  auto v4 = StartScripted({});
  Dnsmasq dns({"--host-record=implicit.test,127.0.0.1"});
  ASSERT_TRUE(dns.WaitReady("implicit.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@implicit.test", dns, v4->port()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"server\":\"127.0.0.1:" + std::to_string(v4->port()) + "\""),
            std::string::npos);
}

TEST(SendMx, NonexistentDomainExits19) {
  REQUIRE_DNSMASQ();
  Dnsmasq dns({"--host-record=probe.test,127.0.0.1"});
  ASSERT_TRUE(dns.WaitReady("probe.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@nowhere.test", dns, 25));
  EXPECT_EQ(r.exit_code, 19);
  EXPECT_NE(
      r.err.find("smtp-harness send: resolve failed: cannot find a mail host for nowhere.test: "
                 "domain nowhere.test does not exist (NXDOMAIN)\n"),
      std::string::npos)
      << r.err;
}

TEST(SendMx, NullMxExits19) {
  REQUIRE_DNSMASQ();
  Dnsmasq dns({"--mx-host=nullmx.test,.,0"});
  ASSERT_TRUE(dns.WaitReady("nullmx.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@nullmx.test", dns, 25));
  EXPECT_EQ(r.exit_code, 19);
  EXPECT_NE(
      r.err.find("cannot find a mail host for nullmx.test: domain nullmx.test accepts no mail "
                 "(null MX, RFC 7505)\n"),
      std::string::npos)
      << r.err;
}

TEST(SendMx, AllMailHostsUnreachableExits20) {
  REQUIRE_DNSMASQ();
  int port = FreePort();
  Dnsmasq dns({"--mx-host=down.test,a.down.test,10", "--host-record=a.down.test,127.0.0.1"});
  ASSERT_TRUE(dns.WaitReady("down.test")) << dns.last_error_;
  auto r = Send(MxArgs("bob@down.test", dns, port));
  EXPECT_EQ(r.exit_code, 20);
  EXPECT_NE(
      r.err.find("cannot connect to 127.0.0.1:" + std::to_string(port) + ": Connection refused"),
      std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace smtp::send_e2e
