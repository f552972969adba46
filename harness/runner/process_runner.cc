#include "harness/runner/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>

#include "harness/runner/process_launch.h"
#include "harness/runner/process_tree.h"

extern char** environ;

namespace smtp {

Result<std::vector<std::string>> SplitCommandLine(const std::string& command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      size_t close = command.find('\'', i + 1);
      if (close == std::string::npos) {
        return Status::InvalidArgument("unterminated ' quote in command: " + command);
      }
      word += command.substr(i + 1, close - i - 1);
      in_word = true;
      i = close;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        if (command[j] == '\\' && j + 1 < command.size() &&
            std::strchr("\"\\$`", command[j + 1]) != nullptr) {
          ++j;
        }
        word += command[j];
      }
      if (j >= command.size()) {
        return Status::InvalidArgument("unterminated \" quote in command: " + command);
      }
      in_word = true;
      i = j;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return Status::InvalidArgument("empty client command");
  return words;
}

namespace {

using Clock = std::chrono::steady_clock;

// Every PATH entry's NAME, in order (NAME itself when it holds a '/').
std::vector<std::string> PathCandidates(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return {name};
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    // An empty entry is the current directory.
    out.push_back((colon > start ? path.substr(start, colon - start) : std::string(".")) + "/" +
                  name);
    start = colon + 1;
  }
  return out;
}

std::string FindInPath(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    if (colon == std::string::npos) colon = path.size();
    std::string dir = path.substr(start, colon - start);
    if (dir.empty()) dir = ".";
    std::string candidate = dir;
    candidate.append("/").append(name);
    if (access(candidate.c_str(), X_OK) == 0) {
      struct stat st;
      if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return candidate;
    }
    start = colon + 1;
  }
  return {};
}

class Capture {
 public:
  explicit Capture(size_t max) : max_(max) {}
  void Append(const char* data, size_t n) {
    size_t room = text_.size() < max_ ? max_ - text_.size() : 0;
    text_.append(data, std::min(room, n));
    dropped_ += n - std::min(room, n);
  }
  std::string Take() const {
    if (dropped_ == 0) return text_;
    return text_ + "\n[truncated: " + std::to_string(dropped_) + " more bytes]";
  }

 private:
  size_t max_;
  std::string text_;
  size_t dropped_ = 0;
};

class PosixProcess : public RunningProcess {
 public:
  PosixProcess(pid_t pid, int out_fd, int err_fd, int status_fd, const ProcessSpec& spec,
               std::string scratch_home)
      : pid_(pid),
        out_fd_(out_fd),
        err_fd_(err_fd),
        status_fd_(status_fd),
        isolation_(spec.isolation),
        scratch_home_(std::move(scratch_home)),
        out_(spec.max_output),
        err_(spec.max_output),
        started_(Clock::now()) {
    drain_ = std::thread([this] { Drain(); });
  }

  ~PosixProcess() override { Stop(Duration(200)); }

  int pid() const override { return pid_; }

  std::string StdoutSoFar() override {
    std::lock_guard lock(mu_);
    return out_.Take();
  }

  std::string StderrSoFar() override {
    std::lock_guard lock(mu_);
    return err_.Take();
  }

  bool WaitExit(Duration timeout) override {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return ClientGone(); });
  }

  bool Exited() override {
    std::lock_guard lock(mu_);
    return ClientGone();
  }

  ProcessOutcome Stop(Duration grace) override {
    if (stopped_) return outcome_;
    stopped_ = true;
    bool was_running = !Exited();
    int left = CountLeft();
    Signal(SIGTERM);
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, grace, [this] { return ClientGone() && pipes_closed_; });
    }
    Signal(SIGKILL);
    {
      std::unique_lock lock(mu_);
      // After SIGKILL everything goes at once; the keeper reaps it and exits.
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return keeper_exited_; });
    }
    // The last resort, should the keeper be stuck (a client of the same
    // user SIGSTOPped it): freeze and kill the whole tree from here.
    for (int i = 0; i < 20 && !KeeperExited(); ++i) {
      FreezeAndKillDescendants(pid_, true);
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return keeper_exited_; });
    }
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return keeper_exited_; });
      cv_.wait_for(lock, std::chrono::milliseconds(300), [this] { return pipes_closed_; });
    }
    quit_ = true;
    drain_.join();
    if (!scratch_home_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(scratch_home_, ec);
    }
    std::lock_guard lock(mu_);
    outcome_.killed = was_running;
    int status = client_status_ ? *client_status_ : keeper_status_;
    if (!client_status_ && isolation_ != Isolation::kProcessGroup) status = W_EXITCODE(0, SIGKILL);
    if (WIFEXITED(status)) outcome_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) outcome_.signal = WTERMSIG(status);
    outcome_.stdout_text = out_.Take();
    outcome_.stderr_text = err_.Take();
    outcome_.duration_ms = duration_ms_;
    outcome_.isolation = IsolationName();
    outcome_.left_running = left;
    return outcome_;
  }

 private:
  // The client itself is gone (its exit was reported, or the keeper, and so
  // everything, is gone). Called with mu_ held.
  bool ClientGone() const { return client_status_.has_value() || keeper_exited_; }

  std::string IsolationName() const {
    if (isolation_ == Isolation::kProcessGroup) return "process group";
    if (init_pid_ > 0) return own_proc_ ? "pid namespace" : "pid namespace (shared /proc)";
    return "subreaper";
  }

  // Processes under the keeper other than ours (the init) and the client's
  // main process while it runs.
  int CountLeft() {
    if (isolation_ == Isolation::kProcessGroup) return 0;
    int n = static_cast<int>(DescendantsOf(pid_).size());
    std::lock_guard lock(mu_);
    if (init_pid_ > 0) --n;
    if (!client_status_) --n;
    return std::max(0, n);
  }

  void Signal(int sig) override {
    pid_t init;
    {
      std::lock_guard lock(mu_);
      if (keeper_exited_) return;
      init = init_pid_;
    }
    if (isolation_ == Isolation::kProcessGroup) {
      kill(-pid_, sig);
    } else if (init > 0) {
      kill(init, sig);  // SIGTERM: the init passes it on; SIGKILL: the namespace dies
    } else if (sig == SIGKILL) {
      FreezeAndKillDescendants(pid_, false);
    } else {
      SignalDescendants(pid_, sig);
    }
  }

  void OnStatusBytes(const char* data, size_t n) {
    status_buf_.append(data, n);
    while (status_buf_.size() >= sizeof(LaunchMessage)) {
      LaunchMessage m;
      std::memcpy(&m, status_buf_.data(), sizeof m);
      status_buf_.erase(0, sizeof m);
      std::lock_guard lock(mu_);
      if (m.kind == 'N') init_pid_ = m.a;
      if (m.kind == 'M') own_proc_ = m.a != 0;
      if (m.kind == 'X' && !client_status_) {
        client_status_ = m.a;
        duration_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
        cv_.notify_all();
      }
    }
  }

  void Drain() {
    char buf[65536];
    int fds_in[3] = {out_fd_, err_fd_, status_fd_};
    bool open[3] = {true, true, status_fd_ >= 0};
    while (!quit_) {
      if (!KeeperExited()) Reap();
      if (!open[0] && !open[1] && !open[2]) {
        if (KeeperExited()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      pollfd fds[3];
      for (int i = 0; i < 3; ++i) fds[i] = {open[i] ? fds_in[i] : -1, POLLIN, 0};
      int n = poll(fds, 3, 20);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < 3; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t got = read(fds[i].fd, buf, sizeof buf);
        if (got > 0) {
          if (i == 2) {
            OnStatusBytes(buf, static_cast<size_t>(got));
          } else {
            std::lock_guard lock(mu_);
            (i == 0 ? out_ : err_).Append(buf, static_cast<size_t>(got));
          }
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          open[i] = false;
          if (!open[0] && !open[1]) {
            std::lock_guard lock(mu_);
            pipes_closed_ = true;
            cv_.notify_all();
          }
        }
      }
    }
    while (!KeeperExited()) {
      if (!Reap()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    close(out_fd_);
    close(err_fd_);
    if (status_fd_ >= 0) close(status_fd_);
  }

  bool KeeperExited() {
    std::lock_guard lock(mu_);
    return keeper_exited_;
  }

  bool Reap() {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return false;
    std::lock_guard lock(mu_);
    keeper_status_ = status;
    keeper_exited_ = true;
    if (isolation_ == Isolation::kProcessGroup || duration_ms_ == 0) {
      duration_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    }
    cv_.notify_all();
    return true;
  }

  pid_t pid_;  // the keeper (for kProcessGroup: the client itself)
  int out_fd_, err_fd_, status_fd_;
  Isolation isolation_;
  std::string scratch_home_;
  std::mutex mu_;
  std::condition_variable cv_;
  Capture out_, err_;
  std::string status_buf_;
  pid_t init_pid_ = 0;  // the namespace's init, in our namespace
  bool own_proc_ = false;
  std::optional<int> client_status_;
  bool keeper_exited_ = false;
  bool pipes_closed_ = false;
  int keeper_status_ = 0;
  double duration_ms_ = 0;
  Clock::time_point started_;
  std::atomic<bool> quit_{false};
  bool stopped_ = false;
  ProcessOutcome outcome_;
  std::thread drain_;
};

// mkdtemp under $TMPDIR (else /tmp), owned by the client's user, mode 0700.
Result<std::string> MakeScratchHome(const ProcessSpec& spec) {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/smtp-harness-home-XXXXXX";
  if (!mkdtemp(pattern.data())) {
    return Status::Io("cannot create the client's scratch HOME " + pattern + ": " +
                      strerror(errno));
  }
  if (spec.uid && chown(pattern.c_str(), *spec.uid, spec.gid.value_or(-1)) != 0) {
    int e = errno;
    rmdir(pattern.c_str());
    return Status::Io("cannot give the scratch HOME " + pattern + " to uid " +
                      std::to_string(*spec.uid) + ": " + strerror(e));
  }
  return pattern;
}

const char* StageText(LaunchStage stage) {
  switch (stage) {
    case LaunchStage::kChdir:
      return "cannot enter its working directory";
    case LaunchStage::kSetIds:
      return "cannot switch to the client user";
    case LaunchStage::kLimits:
      return "cannot set its resource limits";
    case LaunchStage::kFork:
      return "cannot fork";
    case LaunchStage::kNamespace:
      return "cannot create its PID namespace";
    case LaunchStage::kExec:
      break;
  }
  return "";
}

class PosixProcessRunner : public ProcessRunner {
 public:
  Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec& spec) override {
    if (spec.argv.empty()) return Status::InvalidArgument("empty client command");
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls.
    std::map<std::string, std::string> env;
    if (spec.inherit_env) {
      for (char** e = environ; *e != nullptr; ++e) {
        std::string kv(*e);
        size_t eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
      }
    }
    for (const auto& [k, v] : spec.env) env[k] = v;
    for (const auto& k : spec.unset_env) env.erase(k);
    std::string search_path = env.count("PATH") ? env["PATH"] : "/usr/bin:/bin";
    std::string exe = FindInPath(spec.argv[0], search_path);
    if (!exe.empty() && exe.find('/') != std::string::npos && exe[0] != '/' && !spec.cwd.empty()) {
      // A relative program path is relative to where the client runs.
      exe = spec.cwd + "/" + exe;
    }
    if (exe.empty()) {
      return Status::NotFound("cannot run the client: " + spec.argv[0] + ": command not found");
    }
    std::string home;
    if (spec.scratch_home) {
      auto made = MakeScratchHome(spec);
      if (!made.ok()) return made.status();
      home = *made;
      env["HOME"] = home;
    }
    auto drop_home = [&] {
      if (!home.empty()) rmdir(home.c_str());
    };
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> candidates = PathCandidates(spec.argv[0], search_path);
    if (candidates.size() == 1) candidates[0] = exe;
    std::vector<const char*> exe_candidates;
    for (const auto& c : candidates) exe_candidates.push_back(c.c_str());
    exe_candidates.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string uid_map = std::to_string(getuid()) + " " + std::to_string(getuid()) + " 1\n";
    const std::string gid_map = std::to_string(getgid()) + " " + std::to_string(getgid()) + " 1\n";

    int out[2], err[2], failure[2], status[2];
    int* pipes[4] = {out, err, failure, status};
    for (int i = 0; i < 4; ++i) {
      if (pipe2(pipes[i], O_CLOEXEC) != 0) {
        int e = errno;
        for (int j = 0; j < i; ++j) {
          close(pipes[j][0]);
          close(pipes[j][1]);
        }
        drop_home();
        return Status::Io(std::string("pipe: ") + strerror(e));
      }
    }
    LaunchPlan plan;
    plan.exe_candidates = exe_candidates.data();
    plan.argv = argv.data();
    plan.envp = envp.data();
    plan.cwd = spec.cwd.empty() ? nullptr : spec.cwd.c_str();
    plan.isolation = spec.isolation;
    plan.set_ids = spec.uid.has_value();
    plan.uid = spec.uid.value_or(0);
    plan.gid = spec.gid.value_or(0);
    plan.limits = spec.limits.data();
    plan.limit_count = spec.limits.size();
    plan.outer_root = geteuid() == 0;
    plan.uid_map = uid_map.c_str();
    plan.gid_map = gid_map.c_str();
    plan.harness_pid = getpid();
    plan.out_fd = out[1];
    plan.err_fd = err[1];
    plan.failure_fd = failure[1];
    plan.status_fd = status[1];
    pid_t pid = fork();
    if (pid < 0) {
      int e = errno;
      for (int* p : pipes) {
        close(p[0]);
        close(p[1]);
      }
      drop_home();
      return Status::Io(std::string("fork: ") + strerror(e));
    }
    if (pid == 0) RunLaunchedChild(plan);
    setpgid(pid, pid);  // also from the parent: no window where kill(-pid) misses
    close(out[1]);
    close(err[1]);
    close(failure[1]);
    close(status[1]);
    LaunchFailure f;
    ssize_t n;
    do {
      n = read(failure[0], &f, sizeof f);
    } while (n < 0 && errno == EINTR);
    close(failure[0]);
    if (n == static_cast<ssize_t>(sizeof f)) {
      // Whatever was started is torn down by the keeper's exit (it has
      // nothing left to reap once the client's exec failed).
      auto failed = std::make_unique<PosixProcess>(pid, out[0], err[0], status[0], spec, home);
      failed->Stop(Duration(0));
      std::string why = StageText(static_cast<LaunchStage>(f.stage));
      std::string what = why.empty() ? exe : exe + ": " + why;
      if (static_cast<LaunchStage>(f.stage) == LaunchStage::kChdir) what += " " + spec.cwd;
      return Status::Io("cannot run the client: " + what + ": " + strerror(f.error));
    }
    if (spec.isolation == Isolation::kProcessGroup) {
      close(status[0]);
      status[0] = -1;
    }
    return std::unique_ptr<RunningProcess>(
        std::make_unique<PosixProcess>(pid, out[0], err[0], status[0], spec, home));
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakePosixProcessRunner() {
  return std::make_unique<PosixProcessRunner>();
}

}  // namespace smtp
