#include "harness/core/line_framer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smtp {
namespace {

std::vector<FramedLine> Drain(LineFramer& f) {
  std::vector<FramedLine> out;
  while (auto line = f.Next()) out.push_back(*line);
  return out;
}

TEST(LineFramer, SplitsCrlfLines) {
  LineFramer f;
  f.Feed("EHLO a\r\nMAIL FROM:<a@b>\r\n");
  auto lines = Drain(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "EHLO a");
  EXPECT_EQ(lines[0].ending, LineEnding::kCrlf);
  EXPECT_EQ(lines[1].text, "MAIL FROM:<a@b>");
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(LineFramer, ReassemblesAcrossChunksOfEverySize) {
  const std::string wire = "250-first\r\n250-second\r\n250 last\r\n";
  for (size_t chunk = 1; chunk <= wire.size(); ++chunk) {
    LineFramer f;
    std::vector<std::string> got;
    for (size_t i = 0; i < wire.size(); i += chunk) {
      f.Feed(wire.substr(i, chunk));
      for (auto& l : Drain(f)) got.push_back(l.text);
    }
    EXPECT_EQ(got, (std::vector<std::string>{"250-first", "250-second", "250 last"})) << chunk;
  }
}

TEST(LineFramer, CrAndLfSplitBetweenChunks) {
  LineFramer f;
  f.Feed("NOOP\r");
  EXPECT_FALSE(f.Next().has_value());
  f.Feed("\n");
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, "NOOP");
  EXPECT_EQ(line->ending, LineEnding::kCrlf);
  EXPECT_FALSE(line->bare_cr);
}

TEST(LineFramer, ReportsBareLf) {
  LineFramer f;
  f.Feed("HELO x\nQUIT\r\n");
  auto lines = Drain(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "HELO x");
  EXPECT_EQ(lines[0].ending, LineEnding::kBareLf);
  EXPECT_EQ(lines[1].ending, LineEnding::kCrlf);
}

TEST(LineFramer, ReportsBareCrInsideLine) {
  LineFramer f;
  f.Feed("HELO a\rb\r\n");
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->bare_cr);
  EXPECT_EQ(line->text, "HELO a\rb");
}

TEST(LineFramer, EmptyLines) {
  LineFramer f;
  f.Feed("\r\n\r\n");
  auto lines = Drain(f);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].text, "");
}

TEST(LineFramer, CommandLineLimitCountsCrlf) {
  LineFramer f(kMaxCommandLine);
  std::string ok(510, 'a');  // 510 + CRLF = 512: allowed
  f.Feed(ok + "\r\n");
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_FALSE(line->too_long);
  f.Feed(std::string(511, 'b') + "\r\n");  // 513 octets
  line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->too_long);
  EXPECT_EQ(line->text, std::string(511, 'b'));  // as sent: not padded to the limit
}

TEST(LineFramer, TextLineLimitIs1000) {
  LineFramer f(kMaxTextLine);
  f.Feed(std::string(998, 'x') + "\r\n" + std::string(999, 'y') + "\r\n");
  auto a = f.Next();
  auto b = f.Next();
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->too_long);
  EXPECT_TRUE(b->too_long);
}

TEST(LineFramer, OverlongLineWithoutLfIsReportedOnceAndDiscarded) {
  LineFramer f(kMaxCommandLine);
  f.Feed(std::string(600, 'z'));
  EXPECT_TRUE(f.OverLongPartialLine());
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->too_long);
  f.Feed(std::string(100000, 'z'));  // more of the same line: dropped, not buffered
  EXPECT_FALSE(f.Next().has_value());
  EXPECT_LT(f.buffered(), 1000u);
  f.Feed("zzz\r\nNOOP\r\n");  // the rest of it, then a normal line
  line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, "NOOP");
  EXPECT_FALSE(line->too_long);
}

TEST(LineFramer, TakeRawForChunksAndStarttls) {
  LineFramer f;
  f.Feed("BDAT 5\r\nhelloQUIT\r\n");
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, "BDAT 5");
  EXPECT_EQ(f.TakeRaw(5), "hello");
  line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_EQ(line->text, "QUIT");
  f.Feed("pipelined junk");
  EXPECT_EQ(f.TakeRaw(), "pipelined junk");
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(LineFramer, LimitChangeAppliesToLaterLines) {
  LineFramer f(kMaxCommandLine);
  f.Feed("DATA\r\n" + std::string(900, 'q') + "\r\n");
  ASSERT_EQ(f.Next()->text, "DATA");
  f.set_max_line_length(kMaxTextLine);
  auto line = f.Next();
  ASSERT_TRUE(line);
  EXPECT_FALSE(line->too_long);
  EXPECT_EQ(line->text.size(), 900u);
}

// Found by tests/fuzz/line_framer_fuzz: a line over the limit only because of
// its (bare LF counted as CRLF) ending was padded with a NUL.
TEST(LineFramer, TooLongByItsEndingKeepsItsTextUnpadded) {
  LineFramer f(10);
  f.Feed(
      "123456789\n"
      "123456789\r\n");
  for (int i = 0; i < 2; ++i) {
    auto line = f.Next();
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->too_long);
    EXPECT_EQ(line->text, "123456789");
  }
}

}  // namespace
}  // namespace smtp
