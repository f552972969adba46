#include "harness/util/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace smtp {
namespace {

TEST(GlobMatch, StarAndQuestionMark) {
  EXPECT_TRUE(GlobMatch("250 *", "250 OK"));
  EXPECT_TRUE(GlobMatch("250 *", "250 "));
  EXPECT_FALSE(GlobMatch("250 *", "250"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("MAIL FROM:<*@*>", "MAIL FROM:<a@b.test>"));
  EXPECT_FALSE(GlobMatch("MAIL FROM:<*@*>", "MAIL FROM:<ab.test>"));
  EXPECT_TRUE(GlobMatch("2?0 *", "220 hi"));
  EXPECT_FALSE(GlobMatch("2?0", "22"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYY"));
}

TEST(GlobMatch, EscapesAndCase) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("helo *", "HELO x", true));
  EXPECT_FALSE(GlobMatch("helo *", "HELO x", false));
}

TEST(GlobMatch, NoExponentialBlowUp) {
  std::string text(5000, 'a');
  EXPECT_FALSE(GlobMatch("*a*a*a*a*a*a*a*a*b", text));
}

}  // namespace
}  // namespace smtp
