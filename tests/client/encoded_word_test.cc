#include "harness/client/encoded_word.h"

#include <gtest/gtest.h>

#include "tests/support/decoders.h"

namespace smtp {
namespace {

using test::DecodeHeaderText;

TEST(EncodedWord, AsciiIsUnchanged) {
  EXPECT_EQ(EncodeHeaderText("Hello, world"), "Hello, world");
  EXPECT_TRUE(IsPlainAscii("tab\tok"));
  EXPECT_FALSE(IsPlainAscii("new\nline"));
}

TEST(EncodedWord, Utf8BecomesBase64Word) {
  EXPECT_EQ(EncodeHeaderText("Grüße"), "=?UTF-8?B?R3LDvMOfZQ==?=");
  EXPECT_EQ(DecodeHeaderText("=?UTF-8?B?R3LDvMOfZQ==?="), "Grüße");
}

TEST(EncodedWord, LongTextSplitsOnCharacterBoundaries) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "ä€";  // 2 + 3 bytes each
  std::string enc = EncodeHeaderText(text);
  size_t start = 0;
  int words = 0;
  while (start < enc.size()) {
    size_t end = enc.find("\r\n ", start);
    std::string word =
        enc.substr(start, end == std::string::npos ? std::string::npos : end - start);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u);
    // Each word must decode to whole characters on its own.
    std::string decoded = DecodeHeaderText(word);
    EXPECT_EQ(text.find(decoded), text.find(decoded));
    EXPECT_NE(text.find(decoded), std::string::npos);
    ++words;
    if (end == std::string::npos) break;
    start = end + 3;
  }
  EXPECT_GT(words, 1);
  EXPECT_EQ(DecodeHeaderText(enc), text);
}

TEST(EncodedWord, DecodesQEncodingAndKeepsPlainText) {
  EXPECT_EQ(DecodeHeaderText("=?iso-8859-1?Q?a_b=3Dc?= plain"), "a b=c plain");
  EXPECT_EQ(DecodeHeaderText("no words here"), "no words here");
}

}  // namespace
}  // namespace smtp
