// The one way the tests start a process: harness/runner/process_runner.h (the
// runner `grade` starts clients with: no shell, its own process group,
// stdin from /dev/null, stdout and stderr captured, the group killed at the
// end), with the waits tests need. Header-only.
//
//   ChildProcess serve({SMTP_HARNESS_BINARY, "serve", ...});
//   serve.WaitForOutput("listening on", 10s);
//   serve.Signal(SIGTERM);
//   int status = serve.Wait(10s);   // exit code, 128+signal, or -1 (killed at the deadline)
//
//   ProcResult r = RunProcess({"/usr/bin/python3", "x.py"}, {.timeout = 20s});
#pragma once

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/runner/process_runner.h"

namespace smtp::test {

struct ChildOptions {
  std::string cwd;
  std::map<std::string, std::string> env;
  bool empty_unsets = true;  // an empty value in `env` unsets the variable (else sets it empty)
};

class ChildProcess {
 public:
  // Throws std::runtime_error when it cannot start (no such program).
  explicit ChildProcess(const std::vector<std::string>& argv, const ChildOptions& options = {})
      : runner_(MakePosixProcessRunner()) {
    ProcessSpec spec;
    spec.argv = argv;
    spec.cwd = options.cwd;
    spec.max_output = size_t{256} << 20;
    for (const auto& [k, v] : options.env) {
      if (v.empty() && options.empty_unsets) {
        spec.unset_env.push_back(k);
      } else {
        spec.env[k] = v;
      }
    }
    auto started = runner_->Start(spec);
    if (!started.ok()) throw std::runtime_error(started.status().message());
    process_ = std::move(*started);
  }
  ~ChildProcess() { Finish(Duration(0)); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void Signal(int sig) { process_->Signal(sig); }
  int pid() const { return process_->pid(); }
  // It was still running at the end of a Wait and had to be killed.
  bool killed() const { return killed_; }
  bool Running() { return !outcome_ && !process_->Exited(); }
  // Waits up to `timeout` for it to exit by itself; true if it has.
  bool WaitExit(Duration timeout) { return outcome_ || process_->WaitExit(timeout); }

  // Waits up to `timeout` for it to exit. Its exit code, 128 + the signal
  // that ended it, or -1 if it was still running (it is killed then).
  int Wait(Duration timeout = std::chrono::seconds(10)) {
    const ProcessOutcome& o = Finish(timeout);
    if (killed_) return -1;
    if (o.exit_code) return *o.exit_code;
    if (o.signal) return 128 + *o.signal;
    return -1;
  }
  // As Wait, but the exit code only: nullopt if killed or ended by a signal.
  std::optional<int> ExitCode(Duration timeout) {
    const ProcessOutcome& o = Finish(timeout);
    if (killed_) return std::nullopt;
    return o.exit_code;
  }

  // Everything so far (after Wait: everything).
  std::string Stdout() { return outcome_ ? outcome_->stdout_text : process_->StdoutSoFar(); }
  std::string Stderr() { return outcome_ ? outcome_->stderr_text : process_->StderrSoFar(); }

  // Waits up to `timeout` until stdout (or stderr) holds `marker` and a
  // line end after it; returns the text after the marker up to that line
  // end, or nullopt (timeout, or it exited first).
  std::optional<std::string> WaitForOutput(const std::string& marker, Duration timeout,
                                           bool on_stderr = false) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      bool running = Running();
      std::string text = on_stderr ? Stderr() : Stdout();
      size_t at = text.find(marker);
      if (at != std::string::npos) {
        size_t eol = text.find('\n', at);
        if (eol != std::string::npos) {
          return text.substr(at + marker.size(), eol - at - marker.size());
        }
      }
      if (!running || std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  // Waits up to `timeout` for the exit, then collects the output (and kills
  // the group: what it left running, or all of it after the timeout).
  const ProcessOutcome& Finish(Duration timeout) {
    if (!outcome_) {
      bool exited = process_->WaitExit(timeout);
      killed_ = !exited;
      // After an exit, a moment for the pipes to drain; else kill at once.
      outcome_ = process_->Stop(exited ? std::chrono::milliseconds(2000) : Duration(0));
    }
    return *outcome_;
  }

  std::unique_ptr<ProcessRunner> runner_;
  std::unique_ptr<RunningProcess> process_;
  std::optional<ProcessOutcome> outcome_;
  bool killed_ = false;
};

struct ProcResult {
  int exit_code = -1;      // -1: killed at the deadline or by a signal
  bool timed_out = false;  // killed at the deadline
  std::string out;
  std::string err;
  double elapsed_ms = 0;
};

struct ProcOptions {
  std::string cwd;
  std::map<std::string, std::string> env;
  Duration timeout{60000};
  std::optional<Duration> sigint_after;  // send SIGINT after this long
  bool empty_unsets = true;  // an empty value in `env` unsets the variable (else sets it empty)
};

// Runs argv to its end (or the timeout) and returns what it printed.
inline ProcResult RunProcess(const std::vector<std::string>& argv, const ProcOptions& o = {}) {
  auto start = std::chrono::steady_clock::now();
  ProcResult r;
  std::optional<ChildProcess> p;
  try {
    p.emplace(argv, ChildOptions{o.cwd, o.env, o.empty_unsets});
  } catch (const std::exception& e) {
    r.exit_code = 127;  // as a shell says for a command it cannot run
    r.err = e.what();
    return r;
  }
  if (o.sigint_after && !p->WaitExit(*o.sigint_after)) p->Signal(SIGINT);
  auto used = std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start);
  r.exit_code = p->ExitCode(std::max(Duration(0), o.timeout - used)).value_or(-1);
  r.timed_out = p->killed();
  r.out = p->Stdout();
  r.err = p->Stderr();
  r.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace smtp::test
