#include "harness/core/dot_stuffing.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/support/decoders.h"

namespace smtp {
namespace {

using test::DecodeDataBody;

TEST(DotStuffing, NormalizesLineEndings) {
  EXPECT_EQ(NormalizeLineEndings("a\nb\r\nc\rd"), "a\r\nb\r\nc\r\nd");
  EXPECT_EQ(NormalizeLineEndings(""), "");
  EXPECT_EQ(NormalizeLineEndings("\n\n"), "\r\n\r\n");
}

TEST(DotStuffing, DoublesLeadingDots) {
  EXPECT_EQ(DotStuff(".hidden\r\nnot.this\r\n..two\r\n"), "..hidden\r\nnot.this\r\n...two\r\n");
  EXPECT_EQ(DotStuff(".\r\n"), "..\r\n");
  EXPECT_EQ(DotStuff("a.\r\n."), "a.\r\n..");
}

TEST(DotStuffing, EncodeDataBodyTerminates) {
  EXPECT_EQ(EncodeDataBody("Subject: x\n\nbody\n"), "Subject: x\r\n\r\nbody\r\n.\r\n");
  EXPECT_EQ(EncodeDataBody("no newline"), "no newline\r\n.\r\n");
  EXPECT_EQ(EncodeDataBody(""), ".\r\n");
  EXPECT_EQ(EncodeDataBody(".\n"), "..\r\n.\r\n");
}

TEST(DotStuffing, RoundTrip) {
  for (std::string text :
       {"a\r\n.b\r\n", ".\r\n..\r\n", "x\r\n", "line . with dot\r\n.\r\n.x\r\n"}) {
    EXPECT_EQ(DecodeDataBody(EncodeDataBody(text)), text) << text;
  }
}

TEST(DotStuffing, UnstuffLine) {
  EXPECT_EQ(UnstuffLine("..x"), ".x");
  EXPECT_EQ(UnstuffLine("x"), "x");
  EXPECT_EQ(UnstuffLine(".."), ".");
  EXPECT_EQ(UnstuffLine(""), "");
}

TEST(EndOfDataDetector, FindsTerminatorInOneChunk) {
  EndOfDataDetector d;
  std::string wire = "hello\r\n.\r\nQUIT\r\n";
  auto end = d.Feed(wire);
  ASSERT_TRUE(end);
  EXPECT_EQ(wire.substr(*end), "QUIT\r\n");
}

TEST(EndOfDataDetector, FindsTerminatorSplitAtEveryPoint) {
  std::string wire = "a\r\n..b\r\n.\r\n";
  for (size_t split = 0; split <= wire.size(); ++split) {
    EndOfDataDetector d;
    auto first = d.Feed(wire.substr(0, split));
    if (split == wire.size()) {
      ASSERT_TRUE(first);
      EXPECT_EQ(*first, wire.size());
      continue;
    }
    ASSERT_FALSE(first) << split;
    auto second = d.Feed(wire.substr(split));
    ASSERT_TRUE(second) << split;
    EXPECT_EQ(split + *second, wire.size());
  }
}

TEST(EndOfDataDetector, ByteByByte) {
  EndOfDataDetector d;
  std::string wire = "x\r\n.\r\n";
  for (size_t i = 0; i < wire.size(); ++i) {
    auto r = d.Feed(wire.substr(i, 1));
    EXPECT_EQ(r.has_value(), i + 1 == wire.size()) << i;
  }
}

TEST(EndOfDataDetector, EmptyMessageAndNonTerminators) {
  EndOfDataDetector d;
  EXPECT_TRUE(d.Feed(".\r\n"));
  EndOfDataDetector e;
  EXPECT_FALSE(e.Feed("a.\r\n"));
  EXPECT_FALSE(e.Feed("..\r\n"));
  EXPECT_FALSE(e.Feed(".x\r\n"));
  EXPECT_FALSE(e.Feed("\n.\n"));  // bare LF is not the terminator
  EXPECT_TRUE(e.Feed("\r\n.\r\n"));
}

}  // namespace
}  // namespace smtp
