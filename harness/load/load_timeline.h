// LoadTimeline: cumulative session counts sampled while a load runs, for the
// throughput-over-time chart of the reports. Memory stays bounded however
// long the load: past kMaxSamples every other sample is dropped and the
// sampling period doubles (cumulative counts lose nothing but resolution).
// Pure and single-threaded: the load driver's waiting thread owns it.
#pragma once

#include <cstddef>
#include <vector>

#include "harness/report/load_run_result.h"

namespace smtp {

class LoadTimeline {
 public:
  static constexpr size_t kMaxSamples = 1000;

  // `period_s`: the shortest time between two kept samples.
  explicit LoadTimeline(double period_s) : period_s_(period_s) {}

  // Keeps the sample when at least one period passed since the last kept
  // one; `force` keeps it anyway (the final sample at the end of the load).
  void Add(const LoadTimelineSample& sample, bool force = false);

  const std::vector<LoadTimelineSample>& samples() const { return samples_; }
  double period_s() const { return period_s_; }

 private:
  double period_s_;
  std::vector<LoadTimelineSample> samples_;
};

}  // namespace smtp
