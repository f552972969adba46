#include "harness/load/load_timeline.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(LoadTimeline, KeepsOneSamplePerPeriod) {
  LoadTimeline t(0.1);
  t.Add({0.0, 0, 0, 0});
  t.Add({0.05, 1, 0, 0});   // too soon
  t.Add({0.095, 2, 0, 0});  // a wake-up a hair early still counts
  t.Add({0.2, 3, 0, 0});
  t.Add({0.21, 4, 1, 0}, /*force=*/true);  // the end
  ASSERT_EQ(t.samples().size(), 4u);
  EXPECT_EQ(t.samples()[1].done, 2u);
  EXPECT_EQ(t.samples().back().failed, 1u);
}

TEST(LoadTimeline, ThinsOutLongLoadsAndDoublesThePeriod) {
  LoadTimeline t(0.1);
  for (int i = 0; i < 5000; ++i) t.Add({i * 0.1, static_cast<uint64_t>(i), 0, 0});
  t.Add({500.0, 5000, 0, 0}, /*force=*/true);
  EXPECT_LE(t.samples().size(), LoadTimeline::kMaxSamples);
  EXPECT_GE(t.samples().size(), LoadTimeline::kMaxSamples / 2);
  EXPECT_GT(t.period_s(), 0.1);
  EXPECT_EQ(t.samples().front().t_s, 0.0);
  // Cumulative counts survive the thinning; the end is always kept.
  EXPECT_EQ(t.samples().back().done, 5000u);
  for (size_t i = 1; i < t.samples().size(); ++i) {
    EXPECT_GT(t.samples()[i].t_s, t.samples()[i - 1].t_s);
  }
}

}  // namespace
}  // namespace smtp
