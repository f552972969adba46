#include "harness/net/watchdog.h"

#include <asio/steady_timer.hpp>

namespace smtp {

struct Watchdog::State : std::enable_shared_from_this<Watchdog::State> {
  State(const asio::any_io_executor& ex, std::function<void()> cb)
      : timer(ex), on_expire(std::move(cb)) {}

  void Watch() {
    watching = true;
    wait_until = deadline;
    unsigned gen = ++generation;
    timer.expires_at(deadline);  // cancels a running wait: its handler sees an old generation
    timer.async_wait([self = shared_from_this(), gen](const asio::error_code& ec) {
      if (gen != self->generation) return;
      self->watching = false;
      if (ec) return;  // stopped
      if (Clock::now() >= self->deadline) {
        self->timed_out = true;
        if (self->on_expire) self->on_expire();
        return;
      }
      if (self->deadline != Clock::time_point::max()) self->Watch();
    });
  }

  asio::steady_timer timer;
  std::function<void()> on_expire;
  Clock::time_point deadline = Clock::time_point::max();
  Clock::time_point wait_until = Clock::time_point::max();
  unsigned generation = 0;
  bool watching = false;
  bool timed_out = false;
};

Watchdog::Watchdog(const asio::any_io_executor& executor, std::function<void()> on_expire)
    : state_(std::make_shared<State>(executor, std::move(on_expire))) {}

Watchdog::~Watchdog() {
  state_->on_expire = nullptr;
  Stop();
}

void Watchdog::Arm(Duration timeout) {
  State& s = *state_;
  s.timed_out = false;
  auto now = Clock::now();
  // Saturate: "no timeout" callers pass very long durations.
  s.deadline = timeout >= Clock::time_point::max() - now ? Clock::time_point::max() - Duration(1)
                                                         : now + timeout;
  if (s.watching && s.wait_until <= s.deadline) return;  // the running wait re-arms itself
  s.Watch();
}

void Watchdog::Disarm() { state_->deadline = Clock::time_point::max(); }

void Watchdog::Stop() {
  State& s = *state_;
  s.deadline = Clock::time_point::max();
  if (!s.watching) return;
  s.watching = false;
  ++s.generation;  // the cancelled wait's handler does nothing
  s.timer.cancel();
}

bool Watchdog::timed_out() const { return state_->timed_out; }

}  // namespace smtp
