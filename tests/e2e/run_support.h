// Helpers for the `run` end-to-end tests: run the smtp-harness binary in a
// working directory with a deadline (optionally sending it SIGINT), write
// scenario files into a fresh temporary directory, read reports back.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/e2e/process_support.h"

namespace smtp::run_e2e {

using e2e::ProcOptions;
using e2e::ProcResult;
using e2e::RunProcess;

// `smtp-harness run ARGS...` in `cwd`, with NO_COLOR unset unless given.
inline ProcResult RunHarness(std::vector<std::string> args, ProcOptions o = {}) {
  args.insert(args.begin(), {SMTP_HARNESS_BINARY, "run"});
  o.env.emplace("NO_COLOR", "");
  return RunProcess(args, o);
}

inline ProcOptions InDir(const std::string& cwd) {
  ProcOptions o;
  o.cwd = cwd;
  return o;
}

// A fresh directory under the test temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("smtp-harness-run-e2e-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }
  std::string Write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  std::string Read(const std::string& name) const {
    std::ifstream in(path_ / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  bool Exists(const std::string& name) const { return std::filesystem::exists(path_ / name); }

 private:
  std::filesystem::path path_;
};

inline nlohmann::json ParseJson(const std::string& text) { return nlohmann::json::parse(text); }

inline std::string Source(const std::string& rel) {
  return std::string(SMTP_HARNESS_SOURCE_DIR) + "/" + rel;
}

// A loopback port nobody listens on (bound, then closed).
inline int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);
  return port;
}

}  // namespace smtp::run_e2e
