#include "harness/runner/process_launch.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace smtp {
namespace {

void WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

[[noreturn]] void FailAndExit(const LaunchPlan& plan, LaunchStage stage, int error) {
  LaunchFailure f{static_cast<int32_t>(stage), error};
  WriteAll(plan.failure_fd, &f, sizeof f);
  _exit(127);
}

void Report(const LaunchPlan& plan, char kind, int32_t a, int32_t b = 0) {
  LaunchMessage m;
  m.kind = kind;
  m.a = a;
  m.b = b;
  WriteAll(plan.status_fd, &m, sizeof m);
}

void StdinFromDevNull() {
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) dup2(devnull, 0);
}

// The processes of ours that are not the client hold none of its pipes, so
// the harness sees them close when the client's last process is gone.
void DropClientPipes(const LaunchPlan& plan) {
  int devnull = open("/dev/null", O_RDWR);
  if (devnull >= 0) {
    dup2(devnull, 1);
    dup2(devnull, 2);
    close(devnull);
  }
  close(plan.out_fd);
  close(plan.err_fd);
  close(plan.failure_fd);
}

bool WriteFile(const char* path, const char* text) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == static_cast<ssize_t>(strlen(text));
}

[[noreturn]] void ExecClient(const LaunchPlan& plan) {
  // Signal handlers were reset by exec anyway; the mask and ignored signals
  // are inherited, so put them back to a fresh process's.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  dup2(plan.out_fd, 1);
  dup2(plan.err_fd, 2);
  for (size_t i = 0; i < plan.limit_count; ++i) {
    rlimit rl{plan.limits[i].value, plan.limits[i].value};
    if (setrlimit(plan.limits[i].resource, &rl) != 0)
      FailAndExit(plan, LaunchStage::kLimits, errno);
  }
  if (plan.set_ids) {
    if (setgroups(0, nullptr) != 0 && plan.outer_root)
      FailAndExit(plan, LaunchStage::kSetIds, errno);
    if (setgid(plan.gid) != 0 || setuid(plan.uid) != 0)
      FailAndExit(plan, LaunchStage::kSetIds, errno);
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // after setuid, which clears it
  if (plan.cwd && chdir(plan.cwd) != 0) FailAndExit(plan, LaunchStage::kChdir, errno);
  int first_error = ENOENT;
  for (const char* const* exe = plan.exe_candidates; *exe != nullptr; ++exe) {
    execve(*exe, plan.argv, plan.envp);
    if (errno != ENOENT && first_error == ENOENT) first_error = errno;
  }
  FailAndExit(plan, LaunchStage::kExec, first_error);
}

// Starts the client and reaps every child until none is left (orphans come
// here: this is the namespace's init, or a child subreaper). Reports the
// client's exit; exits when nothing is left.
[[noreturn]] void ReapUntilEmpty(const LaunchPlan& plan) {
  pid_t client = fork();
  if (client < 0) FailAndExit(plan, LaunchStage::kFork, errno);
  if (client == 0) {
    setsid();
    ExecClient(plan);
  }
  DropClientPipes(plan);
  while (true) {
    int status = 0;
    pid_t p = waitpid(-1, &status, __WALL);
    if (p == client) Report(plan, 'X', status);
    if (p < 0 && errno == ECHILD) _exit(0);
  }
}

// SIGTERM to the namespace's init stands for "SIGTERM to everyone in it";
// kill(-1) from the init reaches every other process of the namespace.
void TermEveryone(int) { kill(-1, SIGTERM); }

// Tries to open the namespaces; false (with nothing changed) when the kernel
// or the sandbox we run in does not allow it.
bool EnterNamespaces(const LaunchPlan& plan) {
  int flags = CLONE_NEWPID | CLONE_NEWNS;
  if (!plan.outer_root) flags |= CLONE_NEWUSER;
  if (unshare(flags) != 0) {
    if (!plan.outer_root || unshare(CLONE_NEWPID) != 0) return false;
    return true;
  }
  if (!plan.outer_root) {
    // Map our own ids only: inside, the client is the same unprivileged user.
    if (!WriteFile("/proc/self/setgroups", "deny") ||
        !WriteFile("/proc/self/uid_map", plan.uid_map) ||
        !WriteFile("/proc/self/gid_map", plan.gid_map)) {
      FailAndExit(plan, LaunchStage::kNamespace, errno);
    }
  }
  return true;
}

[[noreturn]] void RunInit(const LaunchPlan& plan) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // Its own /proc: the client sees only the processes of its namespace (and
  // no one's environment but theirs). Needs the mount namespace; optional.
  int32_t own_proc = 0;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
      mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0) {
    own_proc = 1;
  }
  Report(plan, 'M', own_proc);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = TermEveryone;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  ReapUntilEmpty(plan);
}

}  // namespace

void RunLaunchedChild(const LaunchPlan& plan) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // nothing outlives the harness
  // The harness may block SIGINT/SIGTERM in its threads (InterruptGuard);
  // the keeper and the namespace's init must take the SIGTERM of Stop().
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (getppid() != plan.harness_pid) _exit(127);
  StdinFromDevNull();
  if (plan.isolation == Isolation::kProcessGroup) {
    setpgid(0, 0);
    close(plan.status_fd);
    ExecClient(plan);
  }
  setpgid(0, 0);
  bool in_namespace = false;
  if (plan.isolation != Isolation::kSubreaper) {
    in_namespace = EnterNamespaces(plan);
    if (!in_namespace && plan.isolation == Isolation::kNamespace) {
      FailAndExit(plan, LaunchStage::kNamespace, errno);
    }
  }
  if (!in_namespace) {
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    Report(plan, 'S', 0);
    ReapUntilEmpty(plan);
  }
  pid_t init = fork();  // pid 1 of the new namespace
  if (init < 0) FailAndExit(plan, LaunchStage::kFork, errno);
  if (init == 0) RunInit(plan);
  Report(plan, 'N', init);
  DropClientPipes(plan);
  close(plan.status_fd);
  // The init's exit means its namespace is empty (the kernel kills and
  // waits for every other process in it first).
  while (true) {
    int status = 0;
    pid_t p = waitpid(-1, &status, 0);
    if (p < 0 && errno == ECHILD) _exit(0);
  }
}

}  // namespace smtp
