#include "harness/util/ascii.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(AsciiTest, UpperChangesOnlyAsciiLetters) {
  EXPECT_EQ(Upper("ehlo Mx.Example-1"), "EHLO MX.EXAMPLE-1");
  EXPECT_EQ(Upper(""), "");
  EXPECT_EQ(Upper("gr\xc3\xbc\xc3\x9f"), "GR\xc3\xbc\xc3\x9f");  // UTF-8 bytes untouched
}

TEST(AsciiTest, EqualsUpperFoldsOnlyTheFirstArgumentsAsciiLetters) {
  EXPECT_TRUE(EqualsUpper("Mail", "MAIL"));
  EXPECT_TRUE(EqualsUpper("postMaster", "POSTMASTER"));
  EXPECT_TRUE(EqualsUpper("", ""));
  EXPECT_FALSE(EqualsUpper("MAIL", "mail"));  // the second is already upper case
  EXPECT_FALSE(EqualsUpper("MAI", "MAIL"));
  EXPECT_FALSE(EqualsUpper("MAILX", "MAIL"));
  EXPECT_FALSE(EqualsUpper("gr\xc3\xbc", "GR\xc3\x9c"));  // no folding beyond ASCII
}

TEST(AsciiTest, IsDigitsTakesOnlyAsciiDigitsUpToTheLimit) {
  EXPECT_TRUE(IsDigits("0", 18));
  EXPECT_TRUE(IsDigits(std::string(18, '9'), 18));
  EXPECT_FALSE(IsDigits(std::string(19, '9'), 18));  // would overflow stoull
  EXPECT_FALSE(IsDigits("", 18));
  EXPECT_FALSE(IsDigits("12a", 18));
  EXPECT_FALSE(IsDigits("-1", 18));
  EXPECT_FALSE(IsDigits(" 1", 18));
}

TEST(AsciiTest, ParseDecimalTakesTwentyDigitsAndSaysWhenItIsPast64Bits) {
  auto d = ParseDecimal("18446744073709551615", 20);  // UINT64_MAX
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->value, UINT64_MAX);
  EXPECT_FALSE(d->overflow);
  d = ParseDecimal("18446744073709551616", 20);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->overflow);
  EXPECT_EQ(d->value, UINT64_MAX);
  d = ParseDecimal("99999999999999999999", 20);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->overflow);
  d = ParseDecimal("00000000000000000042", 20);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->value, 42u);
  EXPECT_FALSE(d->overflow);
  EXPECT_EQ(ParseDecimal("1" + std::string(20, '0'), 20), std::nullopt);  // 21 digits
  EXPECT_EQ(ParseDecimal("", 20), std::nullopt);
  EXPECT_EQ(ParseDecimal("+1", 20), std::nullopt);
  EXPECT_EQ(ParseDecimal("1 ", 20), std::nullopt);
}

}  // namespace
}  // namespace smtp
