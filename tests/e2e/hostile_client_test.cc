// The client (`send`) and the runner (`run`) against a scripted hostile
// server on loopback: a partial reply then a stall, no greeting, a 10 MB
// reply, a close mid-reply, bad reply codes, bare LF. Each must end with an
// error naming the reason, within its deadline, without hanging or
// crashing, and `run` must always write its JSON report. Also hostile
// scenario files (huge, deeply nested, binary, alias bombs) through
// `validate` and `run`: a clear error, bounded time and memory.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <atomic>
#include <functional>
#include <thread>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A one-behaviour SMTP server: every accepted connection runs `script`.
// Stalls end when the test ends (stop flag) or the peer closes.
class HostileServer {
 public:
  using Script = std::function<void(HostileServer&, int fd)>;
  explicit HostileServer(Script script) : script_(std::move(script)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~HostileServer() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : sessions_) t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  bool stopping() const { return stop_; }

  // Writes everything unless the peer goes away or the test ends.
  bool Write(int fd, std::string_view bytes) {
    size_t sent = 0;
    while (sent < bytes.size() && !stop_) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<size_t>(n);
    }
    return sent == bytes.size();
  }
  // Reads one line (up to LF); "" when the peer closed or the test ended.
  std::string ReadLine(int fd) {
    std::string line;
    char c;
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      if (::recv(fd, &c, 1, 0) != 1) return "";
      line += c;
      if (c == '\n') return line;
    }
    return "";
  }
  // Holds the connection open, reading and ignoring, until the peer closes.
  void Stall(int fd) {
    char buf[4096];
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
    }
  }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      sessions_.emplace_back([this, fd] {
        script_(*this, fd);
        ::close(fd);
      });
    }
  }
  Script script_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> sessions_;
};

struct Case {
  const char* name;
  HostileServer::Script script;
  const char* send_phase;   // the phase `send --json` must name
  const char* send_error;   // and its error
  const char* run_message;  // the runner's failure message
};

// Greets, then answers EHLO with `reply` and stalls.
HostileServer::Script EhloAnswer(std::string reply, bool close_after = false) {
  return [reply, close_after](HostileServer& s, int fd) {
    s.Write(fd, "220 hostile.test ESMTP\r\n");
    if (s.ReadLine(fd).empty()) return;
    s.Write(fd, reply);
    if (!close_after) s.Stall(fd);
  };
}

std::vector<Case> Cases() {
  return {
      {"partial_reply_then_stall",
       [](HostileServer& s, int fd) {
         s.Write(fd, "220 hostile.test ESM");
         s.Stall(fd);
       },
       "greeting", "no greeting: no complete reply within 2s",
       "hostile.yaml:4: step 0 (expect): expected 220, got no reply within 2s"},
      {"never_greets", [](HostileServer& s, int fd) { s.Stall(fd); }, "greeting",
       // A probe on a second connection gets nothing either: the advice says so.
       "no greeting: no complete reply within 2s (the server sent nothing, not even when spoken "
       "to: is this an SMTP port? An implicit-TLS port waits silently for a handshake: try "
       "smtps://)",
       "hostile.yaml:4: step 0 (expect): expected 220, got no reply within 2s (the server sent "
       "nothing, not even when spoken to: is this an SMTP port? An implicit-TLS port waits "
       "silently for a handshake: try smtps://)"},
      {"ten_megabyte_reply",
       [](HostileServer& s, int fd) {
         std::string line = "220-" + std::string(72, 'x') + "\r\n";
         std::string block;
         for (int i = 0; i < 1000; ++i) block += line;
         for (int i = 0; i < 131 && s.Write(fd, block); ++i) {
         }
         s.Write(fd, "220 done\r\n");
         s.Stall(fd);
       },
       "greeting", "no greeting: reply longer than 4194304 bytes in total (cap: reply bytes)",
       "hostile.yaml:4: step 0 (expect): expected 220, got malformed reply (reply has more than "
       "10000 lines (cap: reply lines per reply))"},
      {"close_mid_reply", EhloAnswer("250-hostile.test\r\n250-PIPELI", true), "ehlo",
       "EHLO failed: incomplete reply 250-PIPELI: the server closed the connection",
       "hostile.yaml:5: step 1 (send): expected 250, got connection closed by the server"},
      {"bad_reply_code", EhloAnswer("999 what is this\r\n"), "ehlo",
       "EHLO failed: malformed reply line '999 what is this': code 999 is outside 2xx-5xx",
       "hostile.yaml:5: step 1 (send): expected 250, got malformed reply (malformed reply line "
       "'999 what is this': code 999 is outside 2xx-5xx)"},
      // Replies ending in a bare LF are tolerated (as most clients do); the
      // server then stalls, so the next command times out.
      {"bare_lf_reply", EhloAnswer("250 hostile.test\n"), "mail",
       "MAIL failed: no complete reply within 2s",
       "hostile.yaml:7: step 2 (send): expected 221, got no reply within 2s"},
  };
}

class HostileServerTest : public ::testing::TestWithParam<int> {};

TEST_P(HostileServerTest, SendReportsThePhaseAndReasonWithinItsDeadline) {
  Case c = Cases()[GetParam()];
  HostileServer server(c.script);
  ProcOptions o;
  o.timeout = seconds(20);
  ProcResult r = RunProcess(
      {SMTP_HARNESS_BINARY, "send", "--server", "127.0.0.1:" + std::to_string(server.port()),
       "--from", "a@example.test", "--to", "b@example.test", "--body", "hi", "--helo", "127.0.0.1",
       "--timeout", "2s", "--json"},
      o);
  EXPECT_GT(r.exit_code, 2) << c.name << ": " << r.err;
  EXPECT_LT(r.exit_code, 64) << c.name << " (killed or crashed): " << r.err;
  EXPECT_LT(r.elapsed_ms, 10000) << c.name;
  nlohmann::json j;
  ASSERT_NO_THROW(j = ParseJson(r.out)) << c.name << ": " << r.out << r.err;
  EXPECT_EQ(j["ok"], false) << c.name;
  EXPECT_EQ(j["phase"], c.send_phase) << c.name << ": " << j.dump();
  std::string error = j["error"].is_string() ? j["error"].get<std::string>() : "";
  EXPECT_EQ(error, c.send_error) << c.name;
}

TEST_P(HostileServerTest, RunFailsWithTheReasonAndWritesTheReport) {
  Case c = Cases()[GetParam()];
  HostileServer server(c.script);
  TempDir dir;
  dir.Write("hostile.yaml",
            "name: hostile\ntimeout: 2s\nsteps:\n  - expect: 220\n  - send: EHLO 127.0.0.1\n"
            "    expect: 250\n  - send: QUIT\n    expect: 221\n");
  ProcOptions o = InDir(dir.path());
  o.timeout = seconds(20);
  ProcResult r =
      RunHarness({"hostile.yaml", "--target", "smtp://127.0.0.1:" + std::to_string(server.port()),
                  "--report", "report.json"},
                 o);
  EXPECT_EQ(r.exit_code, 1) << c.name << ": " << r.out << r.err;
  EXPECT_LT(r.elapsed_ms, 10000) << c.name;
  ASSERT_TRUE(dir.Exists("report.json")) << c.name;
  nlohmann::json j;
  ASSERT_NO_THROW(j = ParseJson(dir.Read("report.json"))) << c.name;
  ASSERT_EQ(j["scenarios"].size(), 1u);
  const auto& s = j["scenarios"][0];
  EXPECT_TRUE(s["status"] == "failed" || s["status"] == "error") << c.name << ": " << s.dump();
  std::string message =
      s["failure"]["message"].is_string() ? s["failure"]["message"].get<std::string>() : "";
  EXPECT_EQ(message, c.run_message) << c.name << ": " << s.dump();
  EXPECT_EQ(j["summary"]["failed"].get<int>() + j["summary"]["errors"].get<int>(), 1);
}

INSTANTIATE_TEST_SUITE_P(Scripts, HostileServerTest, ::testing::Range(0, 6),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::string(Cases()[info.param].name);
                         });

// Peak RSS of the largest child this test process has waited for, in KiB.
long ChildrenPeakRssKiB() {
  rusage ru{};
  ::getrusage(RUSAGE_CHILDREN, &ru);
  return ru.ru_maxrss;
}

struct HostileFile {
  const char* name;
  std::function<std::string()> make;
  const char* error;  // a substring of the one-line error
};

std::vector<HostileFile> HostileFiles() {
  return {
      {"huge", [] { return "steps: []\n# " + std::string(9 << 20, 'x') + "\n"; },
       "file is too large"},
      {"many_nodes",
       [] {
         std::string y = "steps: [";
         for (int i = 0; i < 1'000'000; ++i) y += "1,";
         return y + "1]\n";
       },
       "too many YAML nodes (more than 100000); split the scenario"},
      {"deep", [] { return "steps: " + std::string(5000, '[') + std::string(5000, ']') + "\n"; },
       "nesting is too deep (more than 64 levels)"},
      {"binary",
       [] {
         std::string b(4096, '\0');
         for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<char>(i * 7919 % 251);
         return b;
       },
       "not a text file"},
      {"alias_bomb",
       [] {
         std::string y = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
         for (int i = 1; i < 10; ++i) {
           // Appends only: GCC 12 warns (-Wrestrict, a false positive) on
           // `"literal" + std::string` here.
           std::string prev = "*a";
           prev += std::to_string(i - 1);
           y += 'a';
           y += std::to_string(i);
           y += ": &a";
           y += std::to_string(i);
           y += " [";
           y += prev;
           for (int k = 0; k < 9; ++k) {
             y += ", ";
             y += prev;
           }
           y += "]\n";
         }
         return y + "steps: *a9\n";
       },
       "too large once aliases are expanded"},
  };
}

TEST(HostileScenarioFiles, ValidateAndRunGiveAClearErrorInBoundedMemory) {
  TempDir dir;
  for (const auto& f : HostileFiles()) {
    std::string file = dir.Write(std::string(f.name) + ".yaml", f.make());
    for (const char* cmd : {"validate", "run"}) {
      ProcOptions o = InDir(dir.path());
      o.timeout = seconds(30);
      std::vector<std::string> argv = {SMTP_HARNESS_BINARY, cmd, file};
      if (std::string(cmd) == "run") argv.insert(argv.end(), {"--report", "r.json"});
      ProcResult r = RunProcess(argv, o);
      EXPECT_EQ(r.exit_code, 2) << f.name << " " << cmd << ": " << r.out << r.err;
      EXPECT_NE((r.out + r.err).find(f.error), std::string::npos)
          << f.name << " " << cmd << ": " << r.out << r.err;
      EXPECT_LT(r.elapsed_ms, 10000) << f.name << " " << cmd;
    }
  }
  long peak = ChildrenPeakRssKiB();
  std::printf("[ FIGURE   ] hostile scenario files: largest child peak RSS %ld KiB\n", peak);
  EXPECT_LT(peak, 300 * 1024);
}

}  // namespace
}  // namespace smtp::run_e2e
