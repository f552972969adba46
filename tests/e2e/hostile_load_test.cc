// `load` against a server whose EHLO reply never ends: each session fails
// at the reply caps `run` has (lines per reply, bytes per reply) instead of
// holding the reply until the step timeout (before: 6 GB peak, 29 s, for
// 20 sessions at --timeout 5s).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

TEST(HostileLoad, AnEndlessReplyMeetsTheReplyCaps) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(listener, 16), 0);
  socklen_t len = sizeof a;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
  std::atomic<bool> stop{false};
  std::thread server([listener, &stop] {
    std::vector<std::thread> sessions;
    while (!stop) {
      int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) break;
      sessions.emplace_back([fd, &stop] {
        std::string lines;
        for (int i = 0; i < 200; ++i) lines += "250-" + std::string(500, 'x') + "\r\n";
        ::send(fd, "220 flood.test ESMTP\r\n", 22, MSG_NOSIGNAL);
        char c;
        while (::recv(fd, &c, 1, 0) == 1 && c != '\n') {
        }
        while (!stop && ::send(fd, lines.data(), lines.size(), MSG_NOSIGNAL) > 0) {
        }
        ::close(fd);
      });
    }
    for (auto& t : sessions) t.join();
  });
  TempDir dir;
  dir.Write("ehlo.yaml",
            "name: ehlo\nsteps:\n  - expect: 220\n  - send: EHLO x\n    expect: 250\n");
  auto r = RunProcess({"/usr/bin/time", "-f", "peak %M", SMTP_HARNESS_BINARY, "load", "ehlo.yaml",
                       "--target", "smtp://127.0.0.1:" + std::to_string(ntohs(a.sin_port)), "-n",
                       "8", "-c", "4", "--timeout", "20s", "--report", "l.json"},
                      InDir(dir.path()));
  stop = true;
  ::shutdown(listener, SHUT_RDWR);
  server.join();
  ::close(listener);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("(cap: reply"), std::string::npos) << r.out << r.err;
  size_t at = r.err.rfind("peak ");
  ASSERT_NE(at, std::string::npos) << r.err;
  long kib = std::atol(r.err.c_str() + at + 5);
  std::printf("[ FIGURE   ] load peak RSS, 8 sessions of an endless EHLO reply = %ld KiB\n", kib);
  EXPECT_LT(kib, 200 * 1024);
}

}  // namespace
}  // namespace smtp::run_e2e
