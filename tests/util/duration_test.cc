#include "harness/util/duration.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(ParseDuration, AcceptsUnitsAndBareSeconds) {
  EXPECT_EQ(ParseDuration("250ms")->count(), 250);
  EXPECT_EQ(ParseDuration("5s")->count(), 5000);
  EXPECT_EQ(ParseDuration("1m")->count(), 60000);
  EXPECT_EQ(ParseDuration("1h")->count(), 3600000);
  EXPECT_EQ(ParseDuration("2")->count(), 2000);
  EXPECT_EQ(ParseDuration("0.5")->count(), 500);
  EXPECT_EQ(ParseDuration("1.5s")->count(), 1500);
  EXPECT_EQ(ParseDuration(" 3s ")->count(), 3000);
}

TEST(ParseDuration, RejectsMalformed) {
  for (const char* bad : {"", "s", "5 s", "5sec", "-1s", "1..2s", ".", "abc", "5ms5", "1e9"}) {
    auto r = ParseDuration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().message(), std::string("invalid duration '") + bad +
                                        "' (expected e.g. 250ms, 5s, 1m, or a number of seconds)");
  }
}

TEST(FormatDuration, ReadsNaturally) {
  EXPECT_EQ(FormatDuration(Duration(250)), "250ms");
  EXPECT_EQ(FormatDuration(Duration(5000)), "5s");
  EXPECT_EQ(FormatDuration(Duration(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(Duration(60000)), "1m");
  EXPECT_EQ(FormatDuration(Duration(90000)), "1m30s");
}

}  // namespace
}  // namespace smtp
