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
#include <mutex>
#include <thread>

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
  PosixProcess(pid_t pid, int out_fd, int err_fd, size_t max_output)
      : pid_(pid),
        out_fd_(out_fd),
        err_fd_(err_fd),
        out_(max_output),
        err_(max_output),
        started_(Clock::now()) {
    drain_ = std::thread([this] { Drain(); });
  }

  ~PosixProcess() override { Stop(Duration(200)); }

  bool WaitExit(Duration timeout) override {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [this] { return exited_; });
  }

  bool Exited() override {
    std::lock_guard lock(mu_);
    return exited_;
  }

  ProcessOutcome Stop(Duration grace) override {
    if (stopped_) return outcome_;
    stopped_ = true;
    bool was_running = !Exited();
    // The group id is the child's pid (setpgid(0, 0) in the child).
    kill(-pid_, SIGTERM);
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, grace, [this] { return exited_ && pipes_closed_; });
    }
    kill(-pid_, SIGKILL);
    {
      std::unique_lock lock(mu_);
      // After SIGKILL the main process goes at once; pipes held by a child that
      // left the group could stay open, so that wait is bounded.
      cv_.wait_for(lock, std::chrono::seconds(2), [this] { return exited_; });
      cv_.wait_for(lock, std::chrono::milliseconds(300), [this] { return pipes_closed_; });
    }
    quit_ = true;
    drain_.join();
    std::lock_guard lock(mu_);
    outcome_.killed = was_running;
    if (WIFEXITED(status_)) outcome_.exit_code = WEXITSTATUS(status_);
    if (WIFSIGNALED(status_)) outcome_.signal = WTERMSIG(status_);
    outcome_.stdout_text = out_.Take();
    outcome_.stderr_text = err_.Take();
    outcome_.duration_ms = duration_ms_;
    return outcome_;
  }

 private:
  void Drain() {
    char buf[65536];
    bool out_open = true, err_open = true;
    while (!quit_) {
      if (!Exited()) Reap();
      if (!out_open && !err_open) {
        if (Exited()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      pollfd fds[2] = {{out_open ? out_fd_ : -1, POLLIN, 0}, {err_open ? err_fd_ : -1, POLLIN, 0}};
      int n = poll(fds, 2, 20);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        ssize_t got = read(fds[i].fd, buf, sizeof buf);
        if (got > 0) {
          std::lock_guard lock(mu_);
          (i == 0 ? out_ : err_).Append(buf, static_cast<size_t>(got));
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          (i == 0 ? out_open : err_open) = false;
          if (!out_open && !err_open) {
            std::lock_guard lock(mu_);
            pipes_closed_ = true;
            cv_.notify_all();
          }
        }
      }
    }
    while (!Exited()) {
      if (!Reap()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    close(out_fd_);
    close(err_fd_);
  }

  bool Reap() {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r != pid_) return false;
    std::lock_guard lock(mu_);
    status_ = status;
    exited_ = true;
    duration_ms_ = std::chrono::duration<double, std::milli>(Clock::now() - started_).count();
    cv_.notify_all();
    return true;
  }

  pid_t pid_;
  int out_fd_, err_fd_;
  std::mutex mu_;
  std::condition_variable cv_;
  Capture out_, err_;
  bool exited_ = false;
  bool pipes_closed_ = false;
  int status_ = 0;
  double duration_ms_ = 0;
  Clock::time_point started_;
  std::atomic<bool> quit_{false};
  bool stopped_ = false;
  ProcessOutcome outcome_;
  std::thread drain_;
};

class PosixProcessRunner : public ProcessRunner {
 public:
  Result<std::unique_ptr<RunningProcess>> Start(const ProcessSpec& spec) override {
    if (spec.argv.empty()) return Status::InvalidArgument("empty client command");
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls.
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string kv(*e);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& [k, v] : spec.env) env[k] = v;
    std::string exe = FindInPath(spec.argv[0], env.count("PATH") ? env["PATH"] : "/usr/bin:/bin");
    if (!exe.empty() && exe.find('/') != std::string::npos && exe[0] != '/' && !spec.cwd.empty()) {
      // A relative program path is relative to where the client runs.
      exe = spec.cwd + "/" + exe;
    }
    if (exe.empty()) {
      return Status::NotFound("cannot run the client: " + spec.argv[0] + ": command not found");
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp, argv;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);

    int out[2], err[2], exec_err[2];
    if (pipe2(out, O_CLOEXEC) != 0) return Status::Io(std::string("pipe: ") + strerror(errno));
    if (pipe2(err, O_CLOEXEC) != 0) {
      close(out[0]);
      close(out[1]);
      return Status::Io(std::string("pipe: ") + strerror(errno));
    }
    if (pipe2(exec_err, O_CLOEXEC) != 0) {
      close(out[0]);
      close(out[1]);
      close(err[0]);
      close(err[1]);
      return Status::Io(std::string("pipe: ") + strerror(errno));
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
      int e = errno;
      for (int fd : {out[0], out[1], err[0], err[1], exec_err[0], exec_err[1]}) close(fd);
      return Status::Io(std::string("fork: ") + strerror(e));
    }
    if (pid == 0) {
      setpgid(0, 0);
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // no orphans if the harness itself dies
      if (getppid() != parent) _exit(127);
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, 0);
      dup2(out[1], 1);
      dup2(err[1], 2);
      signal(SIGPIPE, SIG_DFL);
      if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) {
        int e = errno;
        ssize_t ignored = write(exec_err[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
      }
      execve(exe.c_str(), argv.data(), envp.data());
      int e = errno;
      ssize_t ignored = write(exec_err[1], &e, sizeof e);
      (void)ignored;
      _exit(127);
    }
    setpgid(pid, pid);  // also from the parent: no window where kill(-pid) misses
    close(out[1]);
    close(err[1]);
    close(exec_err[1]);
    int child_errno = 0;
    ssize_t n;
    do {
      n = read(exec_err[0], &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
    close(exec_err[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
      int status;
      waitpid(pid, &status, 0);
      close(out[0]);
      close(err[0]);
      return Status::Io("cannot run the client: " + exe + ": " + strerror(child_errno));
    }
    return std::unique_ptr<RunningProcess>(
        std::make_unique<PosixProcess>(pid, out[0], err[0], spec.max_output));
  }
};

}  // namespace

std::unique_ptr<ProcessRunner> MakePosixProcessRunner() {
  return std::make_unique<PosixProcessRunner>();
}

}  // namespace smtp
