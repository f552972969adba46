// A small blocking SMTP test client over loopback TCP, with a deadline on
// every read, for the fake server's tests. Header-only (tests/ globs only
// *_test.cc). Raw bytes in, raw bytes out: it checks nothing itself.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace smtp::testing {

class TestClient {
 public:
  explicit TestClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestClient() { Close(); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes with a TCP RST instead of FIN (an abrupt disconnect).
  void Reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    Close();
  }

  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
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

  // One complete reply (all its lines, CRLF included), "" on timeout or close.
  std::string ReadReply(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      size_t start = 0;
      while (true) {
        size_t eol = buffer_.find("\r\n", start);
        if (eol == std::string::npos) break;
        if (eol - start >= 4 && buffer_[start + 3] == ' ') {
          std::string reply = buffer_.substr(0, eol + 2);
          buffer_.erase(0, eol + 2);
          return reply;
        }
        if (eol - start < 4) {  // malformed: hand it over as it is
          std::string reply = buffer_.substr(0, eol + 2);
          buffer_.erase(0, eol + 2);
          return reply;
        }
        start = eol + 2;
      }
      if (!Fill(deadline)) return "";
    }
  }

  // Everything until the server closes (or the timeout); `closed` says which.
  std::string ReadAll(bool* closed, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Fill(deadline)) {
    }
    *closed = eof_;
    std::string out = std::move(buffer_);
    buffer_.clear();
    return out;
  }

  // Sends `line` + CRLF and returns the reply.
  std::string Command(std::string_view line) {
    Send(std::string(line) + "\r\n");
    return ReadReply();
  }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (fd_ < 0 || eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool eof_ = false;
  std::string buffer_;
};

}  // namespace smtp::testing
