#include "harness/load/load_runner.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(DefaultLoadThreadsTest, OnePerCoreForARemoteTarget) {
  EXPECT_EQ(DefaultLoadThreads(1, false), 1);
  EXPECT_EQ(DefaultLoadThreads(2, false), 2);
  EXPECT_EQ(DefaultLoadThreads(8, false), 8);
}

TEST(DefaultLoadThreadsTest, HalfTheCoresWhenTheServerSharesTheMachine) {
  EXPECT_EQ(DefaultLoadThreads(1, true), 1);
  EXPECT_EQ(DefaultLoadThreads(2, true), 1);
  EXPECT_EQ(DefaultLoadThreads(3, true), 1);
  EXPECT_EQ(DefaultLoadThreads(8, true), 4);
}

TEST(DefaultLoadThreadsTest, UnknownCoreCountMeansOne) {
  // std::thread::hardware_concurrency() may return 0.
  EXPECT_EQ(DefaultLoadThreads(0, false), 1);
  EXPECT_EQ(DefaultLoadThreads(0, true), 1);
}

}  // namespace
}  // namespace smtp
