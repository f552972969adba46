#include "harness/core/sasl.h"

#include <gtest/gtest.h>

#include "harness/core/base64.h"

namespace smtp::sasl {
namespace {

TEST(SaslTest, EncodePlainIsBase64OfTheThreeFieldsWithNuls) {
  EXPECT_EQ(EncodePlain("alice", "secret"), "AGFsaWNlAHNlY3JldA==");
  EXPECT_EQ(EncodePlain("alice", "p\xc3\xa4ss", "admin"), "YWRtaW4AYWxpY2UAcMOkc3M=");
}

TEST(SaslTest, WhatEncodePlainMakesParsePlainReadsBack) {
  auto decoded = Base64Decode(EncodePlain("bob", "pa ss", "carol"));
  ASSERT_TRUE(decoded.has_value());
  auto c = ParsePlain(*decoded);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->authzid, "carol");
  EXPECT_EQ(c->authcid, "bob");
  EXPECT_EQ(c->password, "pa ss");
}

TEST(SaslTest, ParsePlainWantsExactlyTwoNulsAndAUser) {
  EXPECT_FALSE(ParsePlain(std::string("\0\0pw", 4)).has_value());
  EXPECT_FALSE(ParsePlain(std::string("a\0b", 3)).has_value());
  EXPECT_FALSE(ParsePlain(std::string("\0a\0b\0", 5)).has_value());
}

}  // namespace
}  // namespace smtp::sasl
