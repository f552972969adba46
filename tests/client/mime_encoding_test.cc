#include "harness/client/mime_encoding.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(MimeEncoding, SevenOrEightBitLimits) {
  EXPECT_TRUE(FitsSevenOrEightBit("a\r\nb\r\n"));
  EXPECT_TRUE(FitsSevenOrEightBit(std::string(998, 'x') + "\r\n"));
  EXPECT_FALSE(FitsSevenOrEightBit(std::string(999, 'x') + "\r\n"));
  EXPECT_FALSE(FitsSevenOrEightBit("bare\nlf\r\n"));
  EXPECT_FALSE(FitsSevenOrEightBit("bare\rcr\r\n"));
  EXPECT_FALSE(FitsSevenOrEightBit(std::string("nul\0\r\n", 6)));
}

TEST(MimeEncoding, QuotedPrintable) {
  EXPECT_EQ(QuotedPrintableEncode("a=b\r\n"), "a=3Db\r\n");
  EXPECT_EQ(QuotedPrintableEncode("caf\xc3\xa9\r\n"), "caf=C3=A9\r\n");
  EXPECT_EQ(QuotedPrintableEncode("end \r\n"), "end=20\r\n");  // trailing space
  EXPECT_EQ(QuotedPrintableEncode(".\r\nFrom me\r\n"), "=2E\r\n=46rom me\r\n");
  std::string long_line = QuotedPrintableEncode(std::string(200, 'x'));
  EXPECT_EQ(long_line.substr(0, 78), std::string(75, 'x') + "=\r\n");
  for (size_t pos = 0; pos < long_line.size();) {
    size_t nl = long_line.find("\r\n", pos);
    if (nl == std::string::npos) nl = long_line.size();
    EXPECT_LE(nl - pos, 76u);
    pos = nl + 2;
  }
}

TEST(MimeEncoding, Rfc2231) { EXPECT_EQ(Rfc2231Value("a b\xc3\xa9"), "UTF-8''a%20b%C3%A9"); }

}  // namespace
}  // namespace smtp
