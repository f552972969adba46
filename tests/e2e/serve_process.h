// Test helpers for driving the real `smtp-harness serve` binary and real
// third-party clients (Python's smtplib, swaks) as subprocesses. Every wait
// is bounded. Header-only: tests/e2e globs *.cc into one binary.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace smtp::e2e {

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path MakeTempDir(const std::string& tag) {
  std::string tmpl =
      (std::filesystem::temp_directory_path() / ("smtp-harness-" + tag + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  char* dir = ::mkdtemp(buf.data());
  return dir ? std::filesystem::path(dir) : std::filesystem::path();
}

// A child process with stdout/stderr captured in files.
class Process {
 public:
  Process(std::vector<std::string> argv, const std::filesystem::path& dir, const std::string& tag)
      : out_(dir / (tag + ".out")), err_(dir / (tag + ".err")) {
    pid_ = ::fork();
    if (pid_ == 0) {
      int o = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int n = ::open("/dev/null", O_RDONLY);
      ::dup2(n, 0);
      ::dup2(o, 1);
      ::dup2(e, 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
  }
  ~Process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void Signal(int sig) { ::kill(pid_, sig); }
  pid_t pid() const { return pid_; }
  // Exit status, or -1 if it did not exit in time (then it is killed).
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        exited_ = true;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  bool Running() {
    if (exited_) return false;
    int status = 0;
    return ::waitpid(pid_, &status, WNOHANG) == 0;
  }
  std::string Stdout() const { return ReadFile(out_); }
  std::string Stderr() const { return ReadFile(err_); }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  std::filesystem::path out_, err_;
};

// `smtp-harness serve --listen 127.0.0.1:0 ARGS...`, with the port it bound.
class Serve {
 public:
  Serve(std::vector<std::string> args, const std::string& tag = "serve") : dir_(MakeTempDir(tag)) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<Process>(argv, dir_, tag);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    const std::string marker = "listening on 127.0.0.1:";
    while (std::chrono::steady_clock::now() < deadline && proc_->Running()) {
      std::string out = proc_->Stdout();
      size_t at = out.find(marker);
      if (at != std::string::npos && out.find('\n', at) != std::string::npos) {
        port_ = std::stoi(out.substr(at + marker.size()));
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~Serve() { std::filesystem::remove_all(dir_); }
  int port() const { return port_; }
  Process& process() { return *proc_; }
  const std::filesystem::path& dir() const { return dir_; }
  // SIGTERM, then the exit status.
  int Stop() {
    proc_->Signal(SIGTERM);
    return proc_->Wait();
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Process> proc_;
  int port_ = 0;
};

// Runs a Python 3 script (Debian's /usr/bin/python3) with arguments; returns
// its exit status, stdout+stderr in *output. Killed after `timeout_s`.
inline int RunPython(const std::string& code, const std::vector<std::string>& args,
                     std::string* output, int timeout_s = 20) {
  auto dir = MakeTempDir("py");
  std::ofstream(dir / "script.py") << code;
  std::vector<std::string> argv = {"/usr/bin/timeout", std::to_string(timeout_s),
                                   "/usr/bin/python3", (dir / "script.py").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  int status;
  {
    Process p(argv, dir, "python");
    status = p.Wait(std::chrono::seconds(timeout_s + 5));
    *output = p.Stdout() + p.Stderr();
  }
  std::filesystem::remove_all(dir);
  return status;
}

// The .eml files of a maildir, in name (arrival) order.
inline std::vector<std::filesystem::path> Messages(const std::filesystem::path& maildir) {
  std::vector<std::filesystem::path> out;
  if (!std::filesystem::exists(maildir)) return out;
  for (auto& e : std::filesystem::directory_iterator(maildir)) {
    if (e.path().extension() == ".eml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace smtp::e2e
