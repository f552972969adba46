// InterruptGuard: while alive, SIGINT and SIGTERM are taken by a watcher
// thread (blocked in every other thread, so the run is never torn down
// mid-write) and `on_signal` runs there. A run uses it to write the report
// of what is known so far and exit 1 (SPEC §7); grade stops its client and
// writes the report of the steps reached. Create it before any other
// thread so they inherit the signal mask.
#pragma once

#include <functional>
#include <thread>

namespace smtp::cli {

class InterruptGuard {
 public:
  // on_signal(signo) runs once per signal on the watcher thread. It may
  // _exit (run writes what it knows and exits), or return after asking the
  // work to stop (grade), in which case a second signal calls it again.
  explicit InterruptGuard(std::function<void(int)> on_signal);
  ~InterruptGuard();  // stops the watcher; restores the mask
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  std::function<void(int)> on_signal_;
  std::thread watcher_;
};

}  // namespace smtp::cli
