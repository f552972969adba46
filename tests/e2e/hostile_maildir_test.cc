// Issue 17, item 3: two `serve` processes with the same pid (each pid 1 in
// its own pid namespace, as two containers would be) share one --maildir;
// every accepted message is kept, none overwrites another.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/e2e/hostile_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {
namespace {

using std::chrono::seconds;

// `unshare --pid --fork smtp-harness serve ...`; port() is 0 if it did not start.
class ServeAsPid1 {
 public:
  ServeAsPid1(const std::filesystem::path& maildir, const std::string& tag)
      : dir_(MakeTempDir(tag)) {
    proc_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/bin/unshare", "--pid", "--fork", "--kill-child",
                                 SMTP_HARNESS_BINARY, "serve", "--listen", "127.0.0.1:0",
                                 "--maildir", maildir.string()},
        dir_, tag);
    const std::string marker = "listening on 127.0.0.1:";
    auto deadline = Clock::now() + seconds(10);
    while (Clock::now() < deadline && proc_->Running()) {
      std::string out = proc_->Stdout();
      size_t at = out.find(marker);
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = std::stoi(out.substr(at + marker.size()));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~ServeAsPid1() { std::filesystem::remove_all(dir_); }
  int port() const { return port_; }
  std::string Stderr() const { return proc_->Stderr(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Process> proc_;
  int port_ = 0;
};

std::string Deliver(int port, const std::string& body) {
  TcpClient c(port);
  std::string r = c.ReadReply();
  r += c.Command("HELO x");
  r += c.Command("MAIL FROM:<a@x.test>");
  r += c.Command("RCPT TO:<b@x.test>");
  r += c.Command("DATA");
  r += c.Command(body + "\r\n.");
  r += c.Command("QUIT");
  return r;
}

TEST(HostileMaildir, TwoServersWithTheSamePidShareOneMaildir) {
  if (!std::filesystem::exists("/usr/bin/unshare")) GTEST_SKIP() << "no /usr/bin/unshare";
  auto maildir = MakeTempDir("shared-maildir");
  ServeAsPid1 a(maildir, "pid1-a"), b(maildir, "pid1-b");
  if (a.port() == 0 || b.port() == 0) {
    GTEST_SKIP() << "cannot make a pid namespace here: " << a.Stderr() << b.Stderr();
  }
  constexpr int kEach = 20;
  for (int i = 0; i < kEach; ++i) {
    for (auto [port, who] : {std::pair{a.port(), "a"}, std::pair{b.port(), "b"}}) {
      std::string r = Deliver(port, std::string("from ") + who + " " + std::to_string(i));
      EXPECT_NE(r.find("250 Ok: queued"), std::string::npos) << r;
    }
  }
  auto emls = Messages(maildir);
  EXPECT_EQ(emls.size(), 2u * kEach);
  std::set<std::string> bodies;
  size_t envelopes = 0;
  for (const auto& p : emls) {
    bodies.insert(ReadFile(p));
    envelopes += std::filesystem::exists(std::filesystem::path(p).replace_extension(".envelope"));
    EXPECT_NE(p.filename().string().find(".P1Q"), std::string::npos) << p;  // both are pid 1
  }
  EXPECT_EQ(bodies.size(), 2u * kEach);
  EXPECT_EQ(envelopes, 2u * kEach);
  std::filesystem::remove_all(maildir);
}

}  // namespace
}  // namespace smtp::e2e
