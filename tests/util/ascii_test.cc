#include "harness/util/ascii.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(AsciiTest, UpperChangesOnlyAsciiLetters) {
  EXPECT_EQ(Upper("ehlo Mx.Example-1"), "EHLO MX.EXAMPLE-1");
  EXPECT_EQ(Upper(""), "");
  EXPECT_EQ(Upper("gr\xc3\xbc\xc3\x9f"), "GR\xc3\xbc\xc3\x9f");  // UTF-8 bytes untouched
}

}  // namespace
}  // namespace smtp
