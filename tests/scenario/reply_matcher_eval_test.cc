#include "harness/scenario/reply_matcher_eval.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

Reply R(const std::string& text) { return *ReplyFromText(text); }

ReplyMatcher Codes(std::vector<std::string> codes) {
  ReplyMatcher m;
  m.codes = std::move(codes);
  return m;
}

MatchOutcome Check(const ReplyMatcher& m, const std::string& reply) {
  VarMap vars;
  return Match(m, R(reply), vars);
}

TEST(ReplyMatcherEval, ExactCode) {
  auto ok = Check(Codes({"250"}), "250 OK");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.expected, "");  // described only on a mismatch
  EXPECT_EQ(DescribeReplyMatcher(Codes({"250"})), "250");
  auto bad = Check(Codes({"250"}), "550 5.1.1 No such user");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "250");
  EXPECT_EQ(bad.reason, "code 550 is not 250");
}

TEST(ReplyMatcherEval, CodePatterns) {
  EXPECT_TRUE(Check(Codes({"2xx"}), "251 ok").ok);
  EXPECT_TRUE(Check(Codes({"25x"}), "252 ok").ok);
  auto bad = Check(Codes({"25x"}), "221 bye");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason, "code 221 is not 25x");
}

TEST(ReplyMatcherEval, AnyOf) {
  EXPECT_TRUE(Check(Codes({"250", "251"}), "251 forward").ok);
  auto bad = Check(Codes({"250", "251", "4xx"}), "550 no");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "250, 251 or 4xx");
  EXPECT_EQ(bad.reason, "code 550 is not 250, 251 or 4xx");
}

TEST(ReplyMatcherEval, TextRegexOverJoinedLines) {
  ReplyMatcher m = Codes({"250"});
  m.text = "^second$";
  auto bad = Check(m, "250-first\n250 secondx");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "250 with text /^second$/");
  EXPECT_EQ(bad.reason, "text /^second$/ not found in \"first\nsecondx\"");
  m.text = "first\nsec";
  EXPECT_TRUE(Check(m, "250-first\n250 secondx").ok);
}

TEST(ReplyMatcherEval, TextExpandsVariablesLiterally) {
  ReplyMatcher m;
  m.text = "for ${to}$";
  VarMap vars = {{"to", "a.b"}};
  EXPECT_TRUE(Match(m, R("250 ok for a.b"), vars).ok);
  EXPECT_FALSE(Match(m, R("250 ok for aXb"), vars).ok);
}

TEST(ReplyMatcherEval, EhloExtensions) {
  ReplyMatcher m = Codes({"250"});
  m.ext = {"PIPELINING", "8bitmime"};
  m.not_ext = {"STARTTLS"};
  const std::string ehlo = "250-fake Hello\n250-PIPELINING\n250-8BITMIME\n250 SIZE 100";
  auto ok = Check(m, ehlo);
  EXPECT_TRUE(ok.ok) << ok.reason;
  EXPECT_EQ(DescribeReplyMatcher(m), "250 with ext [PIPELINING, 8bitmime] and no ext [STARTTLS]");
  auto missing = Check(m, "250-fake\n250 PIPELINING");
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.reason, "EHLO reply does not advertise 8bitmime");
  auto extra = Check(m, ehlo + "\n250 STARTTLS");
  EXPECT_FALSE(extra.ok);
  EXPECT_EQ(extra.reason, "EHLO reply advertises STARTTLS");
}

TEST(ReplyMatcherEval, EnhancedStatus) {
  ReplyMatcher m;
  m.enhanced = "5.1.x";
  EXPECT_TRUE(Check(m, "550 5.1.1 No such user").ok);
  auto wrong = Check(m, "550 5.7.1 Denied");
  EXPECT_FALSE(wrong.ok);
  EXPECT_EQ(wrong.expected, "a reply with enhanced 5.1.x");
  EXPECT_EQ(wrong.reason, "enhanced status 5.7.1 is not 5.1.x");
  auto none = Check(m, "550 No such user");
  EXPECT_EQ(none.reason, "reply has no enhanced status code (expected 5.1.x)");
}

TEST(ReplyMatcherEval, CaptureStoresGroupOneOnlyOnSuccess) {
  ReplyMatcher m = Codes({"250"});
  m.capture = {{"id", "queued as (\\w+)"}};
  VarMap vars;
  auto ok = Match(m, R("250 2.0.0 Ok: queued as ABC123"), vars);
  ASSERT_TRUE(ok.ok) << ok.reason;
  EXPECT_EQ(vars.at("id"), "ABC123");
  VarMap empty;
  auto wrong_code = Match(m, R("450 queued as X"), empty);
  EXPECT_FALSE(wrong_code.ok);
  EXPECT_TRUE(empty.empty());
  auto no_match = Match(m, R("250 accepted"), empty);
  EXPECT_FALSE(no_match.ok);
  EXPECT_EQ(no_match.reason, "capture id: /queued as (\\w+)/ not found in \"accepted\"");
}

TEST(ReplyMatcherEval, NotInverts) {
  ReplyMatcher m;
  m.negated = std::make_shared<ReplyMatcher>(Codes({"5xx"}));
  auto ok = Check(m, "250 ok");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(DescribeReplyMatcher(m), "not 5xx");
  auto bad = Check(m, "554 no");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason, "reply matches 5xx");
}

TEST(ReplyMatcherEval, GlobOnLinesOfTheReply) {
  ReplyMatcher m;
  m.glob = "250 *";
  auto ok = Check(m, "250-fake\n250 SIZE");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(DescribeReplyMatcher(m), "glob \"250 *\"");
  m.glob = "250 fake*";
  EXPECT_TRUE(Check(m, "250-fake hello\n250 SIZE").ok);
  m.glob = "250-fake\n250 SI?E";
  EXPECT_TRUE(Check(m, "250-fake\n250 SIZE").ok);
  m.glob = "220 *";
  auto bad = Check(m, "554 go away");
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason, "reply does not match glob \"220 *\"");
}

TEST(ReplyMatcherEval, EmptyMatcherAcceptsAnything) {
  auto ok = Check(ReplyMatcher{}, "421 bye");
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(DescribeReplyMatcher(ReplyMatcher{}), "any reply");
}

TEST(ReplyMatcherEval, CodeMatchesDigitsAndWildcards) {
  EXPECT_TRUE(CodeMatches("250", 250));
  EXPECT_TRUE(CodeMatches("2xx", 250));
  EXPECT_TRUE(CodeMatches("25X", 251));
  EXPECT_FALSE(CodeMatches("25x", 260));
  EXPECT_FALSE(CodeMatches("2xx", 550));
  EXPECT_FALSE(CodeMatches("xxx", 99));  // not a three-digit code
  EXPECT_FALSE(CodeMatches("xxx", 1000));
  EXPECT_FALSE(CodeMatches("25", 250));
}

}  // namespace
}  // namespace smtp
