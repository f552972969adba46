#include "harness/regex/regex.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace smtp {
namespace {

Regex Must(std::string_view pattern, unsigned flags = Regex::kNone) {
  auto re = Regex::Compile(pattern, flags);
  EXPECT_TRUE(re.ok()) << re.status().message();
  return *re;
}

bool Found(const Regex& re, std::string_view subject) {
  auto r = re.Search(subject);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() && *r;
}

TEST(RegexTest, SearchesAnywhere) {
  EXPECT_TRUE(Found(Must("ESMTP"), "mx.example.test ESMTP ready"));
  EXPECT_FALSE(Found(Must("esmtp"), "mx.example.test ESMTP ready"));
  EXPECT_TRUE(Found(Must("esmtp", Regex::kCaseless), "mx.example.test ESMTP ready"));
}

TEST(RegexTest, MultilineAnchorsLinesAndAzAnchorsTheWhole) {
  const std::string text = "mx.example.test\nPIPELINING\nSIZE 1000";
  EXPECT_TRUE(Found(Must("^SIZE \\d+$", Regex::kMultiline), text));
  EXPECT_FALSE(Found(Must("^SIZE \\d+$"), text));
  EXPECT_TRUE(Found(Must("\\Amx\\.example\\.test\\n[\\s\\S]*\\z", Regex::kMultiline), text));
  EXPECT_FALSE(Found(Must("\\APIPELINING", Regex::kMultiline), text));
  // CRLF ends a line only with kAnyCrlf (raw message data).
  EXPECT_FALSE(Found(Must("^Subject: hi$", Regex::kMultiline), "From: a\r\nSubject: hi\r\n"));
  EXPECT_TRUE(Found(Must("^Subject: hi$", Regex::kMultiline | Regex::kAnyCrlf),
                    "From: a\r\nSubject: hi\r\n\r\n"));
  // A bare CR at the end of a command line is not a line end.
  EXPECT_FALSE(Found(Must("^DATA$", Regex::kMultiline), "DATA\r"));
}

TEST(RegexTest, TopLevelAlternativesAllMatch) {
  Regex re = Must("xyz|ESMTP");  // the start callout must not bind to the first branch only
  EXPECT_TRUE(Found(re, "220 ESMTP"));
  EXPECT_TRUE(Found(Must("(*LIMIT_MATCH=1000)a|b"), "b"));
}

TEST(RegexTest, TrailingQuoteAndExtendedCommentStillCompile) {
  EXPECT_TRUE(Found(Must("a\\Q.*"), "xa.*"));
  EXPECT_FALSE(Found(Must("a\\Q.*"), "xab"));
  Regex commented = Must("(?x) a b # a comment");
  EXPECT_TRUE(Found(commented, "ab"));
  EXPECT_EQ(Must("(a)(b)?").capture_count(), 2);
}

TEST(RegexTest, CapturesGroupOne) {
  auto id =
      Must("queued as ([A-Z0-9]+)", Regex::kCaseless).SearchGroup("250 Ok: queued as 4F2A", 1);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, std::optional<std::string>("4F2A"));
  auto none = Must("queued as (\\w+)").SearchGroup("250 Ok", 1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(RegexTest, FindWalksEveryMatchWithItsGroups) {
  Regex tag = Must("<(/?)([a-z]+)( [^>]*)?>");
  const std::string page = "<p class=\"x\">a</p><br>";
  std::vector<std::string> seen;
  for (size_t at = 0;;) {
    auto m = tag.Find(page, at);
    ASSERT_TRUE(m.ok()) << m.status().message();
    if (!m->has_value()) break;
    const Regex::Match& match = **m;
    ASSERT_EQ(match.groups.size(), 4u);
    EXPECT_EQ(match.groups[0], page.substr(match.begin, match.end - match.begin));
    seen.push_back(*match.groups[1] + *match.groups[2] + "|" + match.groups[3].value_or("-"));
    at = match.end;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"p| class=\"x\"", "/p|-", "br|-"}));
  auto past = tag.Find(page, page.size() + 1);
  ASSERT_TRUE(past.ok());
  EXPECT_FALSE(past->has_value());
}

TEST(RegexTest, InvalidPatternSaysWhereAndWhy) {
  Regex::CompileError error;
  auto re = Regex::Compile("250 (OK", Regex::kNone, &error);
  ASSERT_FALSE(re.ok());
  EXPECT_EQ(error.offset, 7u);
  EXPECT_NE(error.message.find("missing closing parenthesis"), std::string::npos) << error.message;
  EXPECT_NE(re.status().message().find("at offset 7"), std::string::npos);
  EXPECT_FALSE(Regex::Compile("*.example").ok());  // a glob in a regex field
  EXPECT_FALSE(Regex::Compile("a)(b").ok());       // not hidden by the wrapping group
}

TEST(RegexTest, EscapeMatchesLiterally) {
  std::string odd = "a.b*c+(d)[e]{f}|g^h$i\\j?k/l m#n";
  Regex re = Must("\\A" + Regex::Escape(odd) + "\\z");
  EXPECT_TRUE(Found(re, odd));
  EXPECT_FALSE(Found(re, "aXb*c+(d)[e]{f}|g^h$i\\j?k/l m#n"));
  EXPECT_EQ(Regex::Escape("jörg"), "jörg");
}

TEST(RegexTest, NonUtf8SubjectIsMatchedNotRejected) {
  EXPECT_TRUE(Found(Must("b"), std::string("a\xff\xfe"
                                           "b")));
}

// The catastrophic cases of issue 14: a 1 MiB text gives an answer or an
// error naming the limit, never a crash, and quickly.
TEST(RegexTest, OneMebibyteAgainstCatastrophicPatterns) {
  const std::string lines = [] {
    std::string s;
    while (s.size() < (1u << 20)) s += std::string(79, 'a') + "\n";
    return s;
  }();
  const std::string as = std::string(1u << 20, 'a') + "b";
  auto t0 = std::chrono::steady_clock::now();

  auto dotall = Must("[\\s\\S]*x", Regex::kMultiline).Search(lines);
  ASSERT_TRUE(dotall.ok()) << dotall.status().message();
  EXPECT_FALSE(*dotall);

  auto nested = Must("(a+)+$", Regex::kMultiline).Search(as);
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("match limit"), std::string::npos)
      << nested.status().message();
  EXPECT_NE(nested.status().message().find("1048577-byte"), std::string::npos);

  // Quadratic over start positions: only the time limit stops it.
  auto quadratic = Must("(?:\\w|\\s)*[!?]", Regex::kMultiline).Search(lines);
  ASSERT_FALSE(quadratic.ok());
  EXPECT_NE(quadratic.status().message().find("limit"), std::string::npos)
      << quadratic.status().message();

  auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST(RegexTest, TimeLimitStopsASearchOverManyStartPositions) {
  std::string text;
  while (text.size() < 200'000) text += "word ";
  // Each start position scans to the end: ~2e10 steps without the time limit.
  auto r = Must("[\\s\\S]*[!?]").Search(text);
  if (r.ok()) {
    EXPECT_FALSE(*r);  // PCRE2 found a shortcut on this platform: still a verdict
  } else {
    EXPECT_NE(r.status().message().find("time limit"), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace smtp
