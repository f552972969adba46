#include "harness/client/port_probe.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "harness/core/not_smtp.h"

namespace smtp {

namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int MsLeft(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

std::string ProbeSilentPeer(const std::string& host, uint16_t port, Duration timeout) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
    return "";
  }
  Fd fd(::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  int rc = fd.get() < 0 ? -1 : ::connect(fd.get(), res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (fd.get() < 0) return "";
  auto deadline = std::chrono::steady_clock::now() + timeout;
  if (rc != 0) {
    pollfd p{fd.get(), POLLOUT, 0};
    if (errno != EINPROGRESS || ::poll(&p, 1, MsLeft(deadline)) != 1) return "";
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) return "";
  }
  // Also a well-formed HTTP/1.0 request line, so an HTTP server answers
  // with a status line ("HTTP/1.0 501 ...") rather than a bare page.
  const std::string probe = "EHLO smtp-harness.invalid HTTP/1.0\r\n\r\n";
  if (::send(fd.get(), probe.data(), probe.size(), MSG_NOSIGNAL) < 0) return "";
  std::string got;
  bool closed = false;
  while (got.size() < 16) {
    pollfd p{fd.get(), POLLIN, 0};
    if (::poll(&p, 1, MsLeft(deadline)) != 1) break;
    char buf[256];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n <= 0) {
      closed = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  if (!got.empty()) {
    std::string what = DescribeNonSmtpPeer(got);
    if (!what.empty()) return what;
    if (got.rfind("220", 0) == 0 || got.rfind("5", 0) == 0 || got.rfind("4", 0) == 0) {
      return "";  // an SMTP server after all, only slow to greet
    }
    return "the server answers, but not in SMTP: is this the right port?";
  }
  if (closed) {
    return "the server sent no greeting and closed when spoken to in plain text: if this port "
           "speaks TLS, use smtps://";
  }
  return "the server sent nothing, not even when spoken to: is this an SMTP port? An "
         "implicit-TLS port waits silently for a handshake: try smtps://";
}

}  // namespace smtp
