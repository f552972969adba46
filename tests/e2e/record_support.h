// Helpers for the `record` end-to-end tests: a recorder started on an
// ephemeral port (read back from its stderr), real clients run through
// /bin/sh, and `run` / `grade` of what it wrote. Header-only.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/process_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::e2e {

inline std::string EnvOr(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// The real servers ci/test starts (ci/postfix, ci/aiosmtpd); empty when not
// running. With SMTP_HARNESS_REQUIRE_REAL_SERVERS=1 (ci/test) a missing one
// fails the test instead of skipping it.
#define REQUIRE_REAL_SERVER(var, value)                                              \
  std::string value = EnvOr(var);                                                    \
  if (value.empty()) {                                                               \
    if (EnvOr("SMTP_HARNESS_REQUIRE_REAL_SERVERS") == "1") FAIL() << var " not set"; \
    GTEST_SKIP() << var " is not set (ci/postfix start, ci/aiosmtpd start)";         \
  }

// Words of a command line for /bin/sh: each double-quoted, so only `$`
// (the port as "$SMTP_HARNESS_PORT" under grade) is expanded.
inline std::string ShellWords(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += ' ';
    out += '"';
    for (char c : w) {
      if (c == '"' || c == '\\' || c == '`') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out;
}

// A recording proxy in the background; Wait() for its exit after the client.
class Recorder {
 public:
  Recorder(const std::filesystem::path& dir, const std::string& upstream, const std::string& out,
           const std::vector<std::string>& extra, const std::string& tag) {
    std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "record", "--listen", "127.0.0.1:0",
                                     "--upstream",        upstream, "--out",    out};
    if (std::find(extra.begin(), extra.end(), "--timeout") == extra.end()) {
      argv.insert(argv.end(), {"--timeout", "15s"});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<Process>(argv, dir, tag);
    const std::string marker = "listening on 127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline && proc_->Running()) {
      std::string err = proc_->Stderr();
      size_t at = err.find(marker);
      if (at != std::string::npos && err.find(',', at) != std::string::npos)
        port_ = std::stoi(err.substr(at + marker.size()));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  int port() const { return port_; }
  int Wait() { return proc_->Wait(std::chrono::seconds(30)); }
  std::string Stderr() const { return proc_->Stderr(); }

 private:
  std::unique_ptr<Process> proc_;
  int port_ = 0;
};

// A shell command line with its environment; all output captured.
inline ProcResult Shell(const std::string& command, std::map<std::string, std::string> env = {},
                        int timeout_s = 40) {
  ProcOptions o;
  o.env = std::move(env);
  o.timeout = std::chrono::seconds(timeout_s);
  return RunProcess({"/bin/sh", "-c", command}, o);
}

// A program (no shell) with its environment; all output captured.
inline ProcResult Exec(const std::vector<std::string>& argv,
                       std::map<std::string, std::string> env = {}, int timeout_s = 40) {
  ProcOptions o;
  o.env = std::move(env);
  o.timeout = std::chrono::seconds(timeout_s);
  return RunProcess(argv, o);
}

// mkdtemp makes 0700 folders; grade runs the client as `nobody` when root,
// and the client reads its message and script files from here.
inline std::filesystem::path MakeSharedTempDir(const std::string& tag) {
  auto dir = MakeTempDir(tag);
  ::chmod(dir.c_str(), 0755);
  return dir;
}

inline void WriteShared(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
  ::chmod(p.c_str(), 0644);
}

}  // namespace smtp::e2e
