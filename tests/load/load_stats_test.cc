#include "harness/load/load_stats.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(LoadStatsTest, CountsAndMergesAcrossThreads) {
  LoadStats a(3), b(3);
  a.RecordConnect(1000);
  a.RecordStep(1, 2000);
  a.RecordMessage();
  a.RecordOk(5000);
  b.RecordConnect(3000);
  b.RecordStep(1, 4000);
  b.RecordFailure(false, 2, "250", "550 5.1.1 No such user", "f:9: step 2 ...");
  b.RecordFailure(true, -1, "connection", "cannot connect: refused", "f: cannot connect");
  a.Merge(b);
  LoadRunResult r;
  a.ExportTo(r, {"expect", "send EHLO x", "send RCPT TO:<x>"}, {3, 4, 6});
  EXPECT_EQ(r.ok, 1u);
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.errors, 1u);
  EXPECT_EQ(r.messages, 1u);
  EXPECT_EQ(r.connections, 2u);
  EXPECT_EQ(r.connect.count(), 2u);
  EXPECT_EQ(r.connect.max(), 3000u);
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[1].latency.count(), 2u);
  EXPECT_EQ(r.steps[1].label, "send EHLO x");
  EXPECT_EQ(r.steps[2].line, 6);
  ASSERT_EQ(r.failures.size(), 2u);
}

TEST(LoadStatsTest, GroupsFailuresByStepAndReplyMostFrequentFirst) {
  LoadStats s(4);
  for (int i = 0; i < 3; ++i) s.RecordFailure(false, 3, "250", "550 5.1.1 No such user", "first");
  s.RecordFailure(false, 3, "250", "451 4.3.0 Try later", "other");
  for (int i = 0; i < 2; ++i) s.RecordFailure(false, 1, "250", "550 5.1.1 No such user", "step1");
  LoadRunResult r;
  s.ExportTo(r, {}, {});
  ASSERT_EQ(r.failures.size(), 3u);
  EXPECT_EQ(r.failures[0].step, 3);
  EXPECT_EQ(r.failures[0].count, 3u);
  EXPECT_EQ(r.failures[0].actual, "550 5.1.1 No such user");
  EXPECT_EQ(r.failures[0].example, "first");  // the first occurrence is the example
  EXPECT_EQ(r.failures[1].step, 1);
  EXPECT_EQ(r.failures[1].count, 2u);
  EXPECT_EQ(r.failures[2].actual, "451 4.3.0 Try later");
  EXPECT_EQ(r.failures[2].kind, "failed");
}

TEST(LoadStatsTest, CapsDistinctFailureGroups) {
  LoadStats s(1);
  for (size_t i = 0; i < LoadStats::kMaxFailureGroups + 50; ++i) {
    s.RecordFailure(false, 0, "250", "550 id " + std::to_string(i), "m");
  }
  LoadRunResult r;
  s.ExportTo(r, {}, {});
  EXPECT_EQ(r.failed, LoadStats::kMaxFailureGroups + 50);
  EXPECT_EQ(r.failures.size(), LoadStats::kMaxFailureGroups + 1);
  EXPECT_EQ(r.failures.front().actual, "(other)");
  EXPECT_EQ(r.failures.front().count, 50u);
}

}  // namespace
}  // namespace smtp
