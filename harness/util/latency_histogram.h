// LatencyHistogram: an HDR-style log-linear histogram of durations in
// nanoseconds. Values below 128 ns have a bucket each; above, every power of
// two is split into 64 linear sub-buckets, so any percentile is reported
// within 1/64 (1.6%) of the true value with a fixed 18 KB of counters,
// however many values are recorded. min, max, count and sum are exact.
//
// Pure and not thread-safe: a load driver keeps one per thread and merges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace smtp {

class LatencyHistogram {
 public:
  // Values above this (about 18 minutes) are recorded as this.
  static constexpr uint64_t kMaxTrackable = uint64_t{1} << 40;

  LatencyHistogram();

  void Record(uint64_t nanos);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }

  // The smallest recorded value such that at least `percent`% of the values
  // are <= it, as the upper end of its bucket (never above max()). 0 when
  // empty. percent is clamped to [0, 100]; 100 gives max().
  uint64_t ValueAtPercentile(double percent) const;

  // The non-empty buckets in value order, as (lowest, highest, count): what
  // a chart of the distribution needs.
  struct Bucket {
    uint64_t lowest = 0, highest = 0, count = 0;
  };
  std::vector<Bucket> NonEmptyBuckets() const;

  // Bucket geometry, exposed for tests.
  static size_t BucketIndex(uint64_t value);
  static uint64_t BucketLowest(size_t index);
  static uint64_t BucketHighest(size_t index);

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  uint64_t sum_ = 0;
};

}  // namespace smtp
