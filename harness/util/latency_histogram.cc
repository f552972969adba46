#include "harness/util/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace smtp {
namespace {

constexpr int kLinearBits = 7;  // 0..127 exact
constexpr uint64_t kLinear = uint64_t{1} << kLinearBits;
constexpr uint64_t kHalf = kLinear / 2;          // sub-buckets per power of two
constexpr int kMaxShift = 40 - kLinearBits + 1;  // shift of kMaxTrackable
constexpr size_t kBuckets = kLinear + kMaxShift * kHalf;

}  // namespace

LatencyHistogram::LatencyHistogram() : counts_(kBuckets, 0) {}

size_t LatencyHistogram::BucketIndex(uint64_t v) {
  if (v < kLinear) return static_cast<size_t>(v);
  int msb = 63 - std::countl_zero(v);
  int shift = msb - kLinearBits + 1;  // v >> shift lies in [64, 128)
  return static_cast<size_t>(kLinear + (shift - 1) * kHalf + ((v >> shift) - kHalf));
}

uint64_t LatencyHistogram::BucketLowest(size_t index) {
  if (index < kLinear) return index;
  size_t rel = index - kLinear;
  int shift = static_cast<int>(rel / kHalf) + 1;
  return (kHalf + rel % kHalf) << shift;
}

uint64_t LatencyHistogram::BucketHighest(size_t index) {
  if (index < kLinear) return index;
  int shift = static_cast<int>((index - kLinear) / kHalf) + 1;
  return BucketLowest(index) + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(uint64_t v) {
  v = std::min(v, kMaxTrackable);
  ++counts_[BucketIndex(v)];
  ++count_;
  sum_ += v;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void LatencyHistogram::Merge(const LatencyHistogram& o) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
  sum_ += o.sum_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

uint64_t LatencyHistogram::ValueAtPercentile(double percent) const {
  if (count_ == 0) return 0;
  percent = std::clamp(percent, 0.0, 100.0);
  if (percent >= 100.0) return max_;
  auto rank = static_cast<uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(BucketHighest(i), min(), max_);
  }
  return max_;
}

std::vector<LatencyHistogram::Bucket> LatencyHistogram::NonEmptyBuckets() const {
  std::vector<Bucket> out;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    // The first and last buckets are narrowed to what was really recorded.
    out.push_back({std::max(BucketLowest(i), min()), std::min(BucketHighest(i), max_), counts_[i]});
  }
  return out;
}

}  // namespace smtp
