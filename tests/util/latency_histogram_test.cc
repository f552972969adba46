#include "harness/util/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace smtp {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.ValueAtPercentile(50), 0u);
  EXPECT_EQ(h.mean(), 0.0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.ValueAtPercentile(50), 50u);
  EXPECT_EQ(h.ValueAtPercentile(90), 90u);
  EXPECT_EQ(h.ValueAtPercentile(99), 99u);
  EXPECT_EQ(h.ValueAtPercentile(100), 100u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithoutGaps) {
  for (size_t i = 0; i + 1 < LatencyHistogram::BucketIndex(LatencyHistogram::kMaxTrackable); ++i) {
    ASSERT_EQ(LatencyHistogram::BucketHighest(i) + 1, LatencyHistogram::BucketLowest(i + 1)) << i;
    ASSERT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::BucketLowest(i)), i);
    ASSERT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::BucketHighest(i)), i);
  }
}

TEST(LatencyHistogramTest, PercentilesWithinRelativeErrorOfSortedTruth) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(11.0, 1.5);  // ~60 us median, long tail
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 20000; ++i) {
    auto v = static_cast<uint64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9}) {
    uint64_t truth = values[static_cast<size_t>(std::ceil(p / 100 * values.size())) - 1];
    uint64_t got = h.ValueAtPercentile(p);
    EXPECT_GE(got, truth) << p;
    EXPECT_LE(static_cast<double>(got), truth * (1.0 + 1.0 / 64) + 1) << p;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram a, b, all;
  for (uint64_t v = 1; v < 5000000; v = v * 3 + 7) {
    (v % 2 ? a : b).Record(v);
    all.Record(v);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  for (double p : {10.0, 50.0, 90.0, 99.0})
    EXPECT_EQ(a.ValueAtPercentile(p), all.ValueAtPercentile(p));
}

TEST(LatencyHistogramTest, NonEmptyBucketsCoverEveryValueInOrder) {
  LatencyHistogram h;
  for (uint64_t v : {5u, 5u, 1000u, 1001u, 250000u}) h.Record(v);
  auto buckets = h.NonEmptyBuckets();
  ASSERT_EQ(buckets.size(), 3u);
  EXPECT_EQ(buckets[0].lowest, 5u);
  EXPECT_EQ(buckets[0].count, 2u);
  EXPECT_LE(buckets[1].lowest, 1000u);
  EXPECT_GE(buckets[1].highest, 1001u);
  EXPECT_EQ(buckets[1].count, 2u);
  EXPECT_EQ(buckets[2].highest, 250000u);  // narrowed to the maximum
  uint64_t total = 0;
  for (const auto& b : buckets) total += b.count;
  EXPECT_EQ(total, h.count());
  EXPECT_TRUE(LatencyHistogram().NonEmptyBuckets().empty());
}

TEST(LatencyHistogramTest, HugeValuesAreClamped) {
  LatencyHistogram h;
  h.Record(UINT64_MAX);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxTrackable);
  EXPECT_EQ(h.ValueAtPercentile(50), LatencyHistogram::kMaxTrackable);
}

}  // namespace
}  // namespace smtp
