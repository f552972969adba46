#include "harness/runner/server_matchers.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

CommandMatcher Glob(std::string g) {
  CommandMatcher m;
  m.glob = std::move(g);
  return m;
}

TEST(ServerMatchersTest, GlobVerbIsCaseInsensitiveAndFromKeywordToo) {
  EXPECT_FALSE(MatchCommandLine(Glob("HELO *"), "helo 127.0.0.1"));
  EXPECT_FALSE(MatchCommandLine(Glob("MAIL FROM:<*@*>"), "mail from:<a@b>"));
  EXPECT_FALSE(MatchCommandLine(Glob("DATA"), "data"));
  EXPECT_EQ(*MatchCommandLine(Glob("DATA"), "DATA x"), "expected \"DATA\", got \"DATA x\"");
  EXPECT_EQ(*MatchCommandLine(Glob("MAIL FROM:<alice@*>"), "MAIL FROM:<Alice@b>"),
            "expected \"MAIL FROM:<alice@*>\", got \"MAIL FROM:<Alice@b>\"");
  EXPECT_FALSE(MatchCommandLine(Glob("HELO|EHLO *"), "ehlo x"));
  EXPECT_TRUE(MatchCommandLine(Glob("HELO *"), "HELO"));
}

TEST(ServerMatchersTest, VerbArgRegex) {
  CommandMatcher m;
  m.verb = "RCPT";
  EXPECT_FALSE(MatchCommandLine(m, "rcpt TO:<x@y>"));
  EXPECT_EQ(*MatchCommandLine(m, "DATA"), "expected the RCPT command, got \"DATA\"");
  m.arg = "TO:<*@example.test>";
  EXPECT_FALSE(MatchCommandLine(m, "RCPT to:<x@example.test>"));
  EXPECT_EQ(*MatchCommandLine(m, "RCPT TO:<x@other>"),
            "expected RCPT with argument \"TO:<*@example.test>\", got \"RCPT TO:<x@other>\"");
  CommandMatcher r;
  r.regex = "^QUIT$";
  EXPECT_FALSE(MatchCommandLine(r, "QUIT"));
  EXPECT_EQ(*MatchCommandLine(r, "QUIT now"), "\"QUIT now\" does not match /^QUIT$/");
}

TEST(ServerMatchersTest, MessageMatchers) {
  const std::string msg = "Subject: SMTP\r\n lab\r\nFrom: a@b\r\n\r\nI love computer networks!\r\n";
  DataMatcher m;
  m.contains = {"computer networks", "\nI love"};
  m.headers = {{"subject", "SMTP lab"}};
  m.regex = "^I love";
  EXPECT_FALSE(MatchMessage(m, msg));
  m.headers = {{"To", "*"}};
  EXPECT_EQ(*MatchMessage(m, msg), "the message has no To: header");
  m.headers = {{"From", "x*"}};
  EXPECT_EQ(*MatchMessage(m, msg), "header From: is \"a@b\", expected \"x*\"");
  DataMatcher e;
  e.equals = "Subject: SMTP\n lab\nFrom: a@b\n\nI love computer networks!\n";
  EXPECT_FALSE(MatchMessage(e, msg));
  e.equals = "Subject: SMTP\n lab\nFrom: a@b\n\nI hate";
  EXPECT_EQ(*MatchMessage(e, msg),
            "the message differs from the expected text at byte 32: expected \"hate\", got "
            "\"love computer networks!\"");
}

TEST(ServerMatchersTest, QuitAndDescriptions) {
  EXPECT_TRUE(IsQuitMatcher(Glob("quit")));
  EXPECT_FALSE(IsQuitMatcher(Glob("QUITE")));
  CommandMatcher m;
  m.verb = "MAIL";
  EXPECT_EQ(DescribeCommandMatcher(m), "MAIL ...");
  m.arg = "FROM:<*>";
  EXPECT_EQ(DescribeCommandMatcher(m), "MAIL FROM:<*>");
  DataMatcher d;
  d.contains = {"hi"};
  EXPECT_EQ(DescribeDataMatcher(d), "a message ending with <CRLF>.<CRLF> containing \"hi\"");
}

}  // namespace
}  // namespace smtp
