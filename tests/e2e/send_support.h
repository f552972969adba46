// Helpers for the `send` end-to-end tests: run the smtp-harness binary (or
// a helper process) with a deadline, capture its output, and start the
// scripted Python SMTP server / dnsmasq on ephemeral loopback ports.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/process_support.h"

namespace smtp::send_e2e {

using e2e::ProcResult;

// Runs argv[0] with the rest as arguments; `env` adds variables (an empty
// value sets the variable empty). Kills the process after `timeout`.
inline ProcResult RunProcess(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& env = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  e2e::ProcOptions o;
  o.env = env;
  o.timeout = timeout;
  o.empty_unsets = false;
  return e2e::RunProcess(argv, o);
}

inline ProcResult Send(std::vector<std::string> args,
                       const std::map<std::string, std::string>& env = {}) {
  args.insert(args.begin(), {SMTP_HARNESS_BINARY, "send"});
  return RunProcess(args, env);
}

inline std::string Fixture(const std::string& name) {
  return std::string(SMTP_HARNESS_SOURCE_DIR) + "/tests/fixtures/" + name;
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A background process whose first stdout line is a port number; killed on
// destruction.
class PortProcess {
 public:
  explicit PortProcess(const std::vector<std::string>& argv) : process_(argv) {
    auto line = process_.WaitForOutput("", std::chrono::seconds(10));
    port_ = line ? std::atoi(line->c_str()) : 0;
    if (port_ <= 0) throw std::runtime_error("helper did not print a port: " + argv.back());
  }
  int port() const { return port_; }

 private:
  test::ChildProcess process_;
  int port_ = 0;
};

// The scripted server (tests/fixtures/scripted_smtp.py) with extra flags.
inline std::unique_ptr<PortProcess> StartScripted(std::vector<std::string> flags) {
  flags.insert(flags.begin(), {"/usr/bin/python3", Fixture("scripted_smtp.py")});
  return std::make_unique<PortProcess>(flags);
}

// A loopback TCP or UDP port nobody listens on right now.
inline int FreePort(int type = SOCK_STREAM) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

inline bool RequireRealServers() { return Env("SMTP_HARNESS_REQUIRE_REAL_SERVERS") == "1"; }

}  // namespace smtp::send_e2e

// The value of a variable set by ci/test from `ci/postfix start` or
// `ci/aiosmtpd start`; skips the test when it is missing, unless real
// servers are required (then the test fails).
#define SEND_E2E_REQUIRE_ENV(var, name)                                            \
  std::string var = ::smtp::send_e2e::Env(name);                                   \
  if (var.empty()) {                                                               \
    if (::smtp::send_e2e::RequireRealServers()) FAIL() << name " is not set";      \
    GTEST_SKIP() << name " is not set (run ci/postfix start / ci/aiosmtpd start)"; \
  }
