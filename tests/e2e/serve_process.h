// Test helpers for driving the real `smtp-harness serve` binary and real
// third-party clients (Python's smtplib, swaks) as subprocesses. Every wait
// is bounded. Header-only: tests/e2e globs *.cc into one binary.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"

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

// A child process with stdout/stderr captured (tests/support/child_process.h).
// `dir` and `tag` are where earlier versions kept the output files; the
// output is in memory now and they are unused.
class Process : public test::ChildProcess {
 public:
  Process(const std::vector<std::string>& argv, const std::filesystem::path& dir,
          const std::string& tag)
      : ChildProcess(argv) {
    (void)dir;
    (void)tag;
  }
};

// `smtp-harness serve --listen 127.0.0.1:0 ARGS...`, with the port it bound.
class Serve {
 public:
  Serve(std::vector<std::string> args, const std::string& tag = "serve") : dir_(MakeTempDir(tag)) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), args.begin(), args.end());
    proc_ = std::make_unique<Process>(argv, dir_, tag);
    auto port = proc_->WaitForOutput("listening on 127.0.0.1:", std::chrono::seconds(10));
    if (port) port_ = std::atoi(port->c_str());
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
