#include "harness/net/watchdog.h"

#include <asio/steady_timer.hpp>

namespace smtp {

struct Watchdog::State : std::enable_shared_from_this<Watchdog::State> {
  using TimePoint = Clock::TimePoint;

  State(const asio::any_io_executor& ex, std::function<void()> cb, const Clock& c)
      : timer(ex), on_expire(std::move(cb)), clock(c) {}

  // True if it expired now.
  bool Expire() {
    if (deadline == TimePoint::max() || clock.Now() < deadline) return false;
    timed_out = true;
    deadline = TimePoint::max();
    if (on_expire) on_expire();
    return true;
  }

  void Watch() {
    watching = true;
    wait_until = deadline;
    unsigned gen = ++generation;
    // The timer runs on the steady clock; `clock` decides whether the
    // deadline passed when it fires. Setting the expiry cancels a running
    // wait (its handler sees an old generation).
    auto left = deadline - clock.Now();
    if (left > std::chrono::hours(24 * 365)) {
      timer.expires_at(std::chrono::steady_clock::time_point::max());  // no deadline
    } else {
      timer.expires_after(left);
    }
    timer.async_wait([self = shared_from_this(), gen](const asio::error_code& ec) {
      if (gen != self->generation) return;
      self->watching = false;
      if (ec) return;  // stopped
      if (self->Expire()) return;
      if (self->deadline != TimePoint::max()) self->Watch();
    });
  }

  asio::steady_timer timer;
  std::function<void()> on_expire;
  const Clock& clock;
  TimePoint deadline = TimePoint::max();
  TimePoint wait_until = TimePoint::max();
  unsigned generation = 0;
  bool watching = false;
  bool timed_out = false;
};

Watchdog::Watchdog(const asio::any_io_executor& executor, std::function<void()> on_expire,
                   const Clock& clock)
    : state_(std::make_shared<State>(executor, std::move(on_expire), clock)) {}

Watchdog::~Watchdog() {
  state_->on_expire = nullptr;
  Stop();
}

void Watchdog::Arm(Duration timeout) {
  State& s = *state_;
  s.timed_out = false;
  auto now = s.clock.Now();
  // Saturate: "no timeout" callers pass very long durations (up to
  // Duration::max(), which would overflow if converted to the clock's ticks).
  const auto room = std::chrono::duration_cast<Duration>(State::TimePoint::max() - now);
  s.deadline = timeout >= room ? State::TimePoint::max() - Duration(1) : now + timeout;
  if (s.watching && s.wait_until <= s.deadline) return;  // the running wait re-arms itself
  s.Watch();
}

void Watchdog::Disarm() { state_->deadline = State::TimePoint::max(); }

void Watchdog::Stop() {
  State& s = *state_;
  s.deadline = State::TimePoint::max();
  if (!s.watching) return;
  s.watching = false;
  ++s.generation;  // the cancelled wait's handler does nothing
  s.timer.cancel();
}

void Watchdog::Poll() { state_->Expire(); }

bool Watchdog::timed_out() const { return state_->timed_out; }

}  // namespace smtp
