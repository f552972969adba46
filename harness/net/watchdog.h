// Watchdog: the deadline of whatever operation a connection has in flight,
// kept by one timer per connection (Asio's "timeouts" example) instead of
// racing a timer against every read and write with `||`. Racing costs two
// spawned coroutines and a timer start per operation; profiles of `serve`
// and `load` showed it as their largest user-space cost. NetStream
// (harness/net/stream.h) arms it around each of its operations.
//
//   Watchdog dog(executor, [&socket] { socket.cancel(); });
//   dog.Arm(5s);                       // before an operation
//   co_await socket.async_read_some(...);
//   dog.Disarm();                      // after it
//   if (dog.timed_out()) ...           // the operation was cancelled by the deadline
//
// Arm only moves the deadline when the running wait would fire no later than
// it (the wait then re-arms itself for the moved deadline when it fires), so
// a session of operations with the same timeout starts one timer wait per
// timeout period, not one per operation. A deadline earlier than the running
// wait restarts the wait. When a deadline passes while armed, `on_expire`
// runs (typically: cancel the socket) and timed_out() is true until the next
// Arm.
//
// Whether a deadline has passed is decided by `clock` (harness/util/clock.h):
// the timer only wakes the watchdog up to look. A test with a ManualClock
// moves the clock and calls Poll() instead of waiting for the timer.
// Single-threaded: use from the io_context's thread only.
#pragma once

#include <asio/any_io_executor.hpp>
#include <functional>
#include <memory>

#include "harness/util/clock.h"
#include "harness/util/duration.h"

namespace smtp {

class Watchdog {
 public:
  // `clock` must outlive the watchdog.
  Watchdog(const asio::any_io_executor& executor, std::function<void()> on_expire,
           const Clock& clock = SteadyClock());
  ~Watchdog();  // ends the watch; on_expire is never called afterwards
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void Arm(Duration timeout);
  void Disarm();
  // Ends the watch now (the pending wait is cancelled), e.g. when the
  // connection closes; Arm starts a new one.
  void Stop();
  // Looks at the clock now: if armed and the deadline has passed, expires
  // (on_expire runs). The timer does this when it fires.
  void Poll();
  bool timed_out() const;

 private:
  struct State;
  std::shared_ptr<State> state_;  // shared with the pending wait's handler
};

}  // namespace smtp
