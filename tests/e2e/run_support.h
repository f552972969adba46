// Helpers for the `run` end-to-end tests: run the smtp-harness binary in a
// working directory with a deadline (optionally sending it SIGINT), write
// scenario files into a fresh temporary directory, read reports back.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
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

namespace smtp::run_e2e {

struct ProcResult {
  int exit_code = -1;  // -1: killed at the deadline or by a signal
  std::string out;
  std::string err;
  double elapsed_ms = 0;
};

struct ProcOptions {
  std::string cwd;
  std::map<std::string, std::string> env;
  std::chrono::milliseconds timeout{60000};
  std::optional<std::chrono::milliseconds> sigint_after;  // send SIGINT after this long
};

inline ProcResult RunProcess(const std::vector<std::string>& argv, const ProcOptions& o = {}) {
  int out_pipe[2], err_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) throw std::runtime_error("pipe failed");
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    close(out_pipe[0]);
    close(err_pipe[0]);
    if (!o.cwd.empty() && chdir(o.cwd.c_str()) != 0) _exit(126);
    for (const auto& [k, v] : o.env) {
      if (v.empty()) {
        unsetenv(k.c_str());
      } else {
        setenv(k.c_str(), v.c_str(), 1);
      }
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  ProcResult r;
  auto deadline = start + o.timeout;
  bool sent_sigint = false;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  while (open_fds > 0) {
    auto now = std::chrono::steady_clock::now();
    if (o.sigint_after && !sent_sigint && now - start >= *o.sigint_after) {
      kill(pid, SIGINT);
      sent_sigint = true;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    int wait_ms = static_cast<int>(std::min<long>(left.count(), 50));
    if (poll(fds, 2, wait_ms) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[8192];
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!killed && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

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
