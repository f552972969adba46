#include "harness/core/base64.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

TEST(Base64, Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, AuthPlainToken) {
  // RFC 4616 example form: authzid empty, NUL, user, NUL, password.
  EXPECT_EQ(Base64Encode(std::string("\0tim\0tanstaaftanstaaf", 21)),
            "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
}

TEST(Base64, BinaryBytesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  auto back = Base64Decode(Base64Encode(all));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, all);
}

TEST(Base64, LinesAre76CharsWithCrlf) {
  std::string data(100, 'x');
  std::string out = Base64EncodeLines(data);
  // 100 bytes -> 136 chars -> one line of 76 and one of 60.
  ASSERT_EQ(out.size(), 136u + 4u);
  EXPECT_EQ(out.find("\r\n"), 76u);
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  EXPECT_EQ(Base64EncodeLines(""), "");
}

TEST(Base64, DecodeRejectsGarbage) {
  EXPECT_FALSE(Base64Decode("Zm9v!").has_value());
  EXPECT_FALSE(Base64Decode("Zg==Zg").has_value());
  EXPECT_EQ(Base64Decode("Zm9v\r\nYmFy").value_or("?"), "foobar");
}

}  // namespace
}  // namespace smtp
