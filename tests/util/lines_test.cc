#include "harness/util/lines.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

using Lines = std::vector<std::string>;

TEST(SplitLines, AtEachLfWithoutAnEmptyLastLine) {
  EXPECT_EQ(SplitLines("a\nb\n"), (Lines{"a", "b"}));
  EXPECT_EQ(SplitLines("a\nb"), (Lines{"a", "b"}));
  EXPECT_EQ(SplitLines("a\n\nb"), (Lines{"a", "", "b"}));
  EXPECT_EQ(SplitLines("\n"), (Lines{""}));
  EXPECT_EQ(SplitLines(""), Lines{});
  EXPECT_EQ(SplitLines("250 ok\r\n"), (Lines{"250 ok\r"}));  // CR is the caller's
}

}  // namespace
}  // namespace smtp
