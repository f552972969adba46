// A raw, blocking-with-deadlines TCP client for loopback tests, shared by
// the unit tests (the fake server) and the end-to-end tests (attacks on
// `serve`, the recording proxy): it sends exactly the bytes a test gives
// (commands, garbage, half commands, floods) and reads replies with a bound
// on every wait. Header-only, POSIX sockets, so a test can hold thousands of
// connections without threads.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

namespace smtp::testing {

using Clock = std::chrono::steady_clock;

// Raises this process's soft RLIMIT_NOFILE to at least `want` (up to the
// hard limit); returns the soft limit in force afterwards.
inline rlim_t RaiseFdLimit(rlim_t want) {
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < want) {
    rl.rlim_cur = std::min(want, rl.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &rl);
    ::getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur;
}

class TcpClient {
 public:
  TcpClient() = default;
  explicit TcpClient(int port) { Connect(port); }
  // From another loopback address (127.0.0.2, ...): a second client host.
  TcpClient(int port, const char* from) { Connect(port, from); }
  ~TcpClient() { Close(); }
  TcpClient(TcpClient&& o) noexcept : fd_(o.fd_), closed_(o.closed_), buf_(std::move(o.buf_)) {
    o.fd_ = -1;
  }
  TcpClient& operator=(TcpClient&& o) noexcept {
    if (this != &o) {
      Close();
      fd_ = o.fd_;
      closed_ = o.closed_;
      buf_ = std::move(o.buf_);
      o.fd_ = -1;
    }
    return *this;
  }
  TcpClient(const TcpClient&) = delete;
  TcpClient& operator=(const TcpClient&) = delete;

  bool Connect(int port, const char* from = nullptr) {
    Close();
    closed_ = false;
    buf_.clear();
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    if (from) {
      sockaddr_in src{};
      src.sin_family = AF_INET;
      if (::inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
          ::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0) {
        Close();
        return false;
      }
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Close();
    return fd_ >= 0;
  }
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Close with RST instead of FIN (SO_LINGER 0): an abrupt drop.
  void Reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    Close();
  }
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // Sends everything unless the peer closes or `timeout` passes; returns the
  // number of bytes sent.
  size_t Send(std::string_view bytes,
              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = Clock::now() + timeout;
    size_t sent = 0;
    while (fd_ >= 0 && sent < bytes.size()) {
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, Remaining(deadline)) <= 0) break;
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    return sent;
  }

  // Sends what the socket takes without blocking; returns the bytes sent
  // (0 when the buffers are full, or on error).
  size_t TrySend(std::string_view bytes) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    return n > 0 ? static_cast<size_t>(n) : 0;
  }
  // A small receive window, so a client that does not read soon blocks the
  // server's writes.
  void ShrinkReceiveBuffer() {
    int size = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  }

  // Reads what is available, waiting up to `timeout` for the first byte.
  // Returns false on EOF/error (closed() is then true) or timeout.
  bool ReadSome(std::chrono::milliseconds timeout) {
    if (fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  // One complete reply ("250-a\r\n250 b\r\n"), or "" if none came in time.
  std::string ReadReply(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = Clock::now() + timeout;
    while (true) {
      size_t start = 0;
      while (true) {
        size_t eol = buf_.find("\r\n", start);
        if (eol == std::string::npos) break;
        if (eol - start >= 4 && buf_[start + 3] == ' ') {
          std::string reply = buf_.substr(0, eol + 2);
          buf_.erase(0, eol + 2);
          return reply;
        }
        if (eol - start < 4 || buf_[start + 3] != '-') {  // not a reply line: hand it back
          std::string junk = buf_.substr(0, eol + 2);
          buf_.erase(0, eol + 2);
          return junk;
        }
        start = eol + 2;
      }
      if (Clock::now() >= deadline || !ReadSome(std::chrono::milliseconds(Remaining(deadline)))) {
        return "";
      }
    }
  }

  // Reads until the peer closes; true if it closed within `timeout`.
  bool ReadUntilClose(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (!closed_ && Clock::now() < deadline) {
      ReadSome(std::chrono::milliseconds(Remaining(deadline)));
    }
    return closed_;
  }

  // Sends `line` + CRLF and returns the reply ("" if none came in time).
  std::string Command(std::string_view line,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    Send(std::string(line) + "\r\n", timeout);
    return ReadReply(timeout);
  }

  // Everything until the peer closes or `timeout` passes; `closed` says which.
  std::string ReadAll(bool* closed, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    *closed = ReadUntilClose(timeout);
    return TakeBuffered();
  }

  bool closed() const { return closed_; }
  // Everything received and not yet consumed by ReadReply.
  const std::string& buffered() const { return buf_; }
  std::string TakeBuffered() { return std::exchange(buf_, {}); }

 private:
  static int Remaining(Clock::time_point deadline) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    return ms.count() < 0 ? 0 : static_cast<int>(ms.count());
  }
  int fd_ = -1;
  bool closed_ = false;
  std::string buf_;
};

// The VmHWM (peak resident set) of a process in KiB, from /proc; -1 if unknown.
inline long PeakRssKiB(int pid) {
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (!f) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, f)) {
    if (std::sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  std::fclose(f);
  return kib;
}

}  // namespace smtp::testing
