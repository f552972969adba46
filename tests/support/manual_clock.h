// ManualClock: a Clock (harness/util/clock.h) that moves only when a test
// says so. Thread-safe, so a test thread can move it while the code under
// test reads it on another. Header-only.
#pragma once

#include <atomic>

#include "harness/util/clock.h"
#include "harness/util/duration.h"

namespace smtp::test {

class ManualClock final : public Clock {
 public:
  TimePoint Now() const override { return TimePoint(TimePoint::duration(ticks_.load())); }
  void Advance(Duration d) { ticks_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }

 private:
  // Starts well after the epoch, so "now minus a timeout" never underflows.
  std::atomic<TimePoint::rep> ticks_{
      std::chrono::duration_cast<TimePoint::duration>(std::chrono::hours(24)).count()};
};

}  // namespace smtp::test
