// Clock: where "now" comes from when a deadline is decided (the Watchdog's
// read and write deadlines, server mode's run and connect deadlines). The
// program uses SteadyClock(); tests pass a ManualClock
// (tests/support/manual_clock.h) and move time forward instead of sleeping.
#pragma once

#include <chrono>

namespace smtp {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// std::chrono::steady_clock; one instance for the whole program.
const Clock& SteadyClock();

}  // namespace smtp
