#include "harness/scenario/server_matcher_eval.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

CommandMatcher Glob(const std::string& g) {
  CommandMatcher m;
  m.glob = g;
  return m;
}

TEST(CommandMatcherEval, GlobWithCaseInsensitiveVerb) {
  VarMap vars;
  EXPECT_TRUE(MatchCommand(Glob("HELO *"), "helo alice", vars).ok);
  EXPECT_TRUE(MatchCommand(Glob("MAIL FROM:<*@*>"), "mail from:<a@b>", vars).ok);
  EXPECT_TRUE(MatchCommand(Glob("QUIT"), "quit", vars).ok);
  auto bad = MatchCommand(Glob("HELO Alice"), "HELO alice", vars);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "HELO Alice");
  EXPECT_EQ(bad.reason, "command \"HELO alice\" does not match \"HELO Alice\"");
  auto wrong = MatchCommand(Glob("RCPT TO:<*>"), "DATA", vars);
  EXPECT_FALSE(wrong.ok);
}

TEST(CommandMatcherEval, VerbArgRegex) {
  VarMap vars = {{"to", "bob@example.test"}};
  CommandMatcher m;
  m.verb = "rcpt";
  m.arg = "TO:<${to}>";
  EXPECT_TRUE(MatchCommand(m, "RCPT to:<bob@example.test>", vars).ok);
  auto bad = MatchCommand(m, "RCPT TO:<eve@example.test>", vars);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "verb RCPT, argument \"TO:<${to}>\"");
  EXPECT_EQ(bad.reason,
            "argument \"TO:<eve@example.test>\" does not match \"TO:<bob@example.test>\"");
  auto verb = MatchCommand(m, "MAIL FROM:<a@b>", vars);
  EXPECT_EQ(verb.reason, "verb MAIL is not RCPT (command \"MAIL FROM:<a@b>\")");
  CommandMatcher r;
  r.regex = "^DATA$";
  EXPECT_TRUE(MatchCommand(r, "DATA", vars).ok);
  auto re_bad = MatchCommand(r, "DATA\r", vars);
  EXPECT_FALSE(re_bad.ok);
  EXPECT_EQ(re_bad.reason, "command \"DATA\\r\" does not match /^DATA$/");
}

TEST(DataMatcherEval, ContainsHeaderRegexEquals) {
  const std::string msg = "Subject: hello\r\n  world\r\nFrom: a@b\r\n\r\nMy message\r\n";
  VarMap vars;
  DataMatcher m;
  m.contains = {"My message"};
  m.headers["subject"] = "hello *";
  m.regex = "^From: a@b$";
  m.equals = "Subject: hello\n  world\nFrom: a@b\n\nMy message";
  auto ok = MatchData(m, msg, vars);
  EXPECT_TRUE(ok.ok) << ok.reason;

  DataMatcher c;
  c.contains = {"Your message"};
  auto bad = MatchData(c, msg, vars);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.expected, "a message containing \"Your message\"");
  EXPECT_EQ(bad.reason, "the message does not contain \"Your message\"");

  DataMatcher h;
  h.headers["Subject"] = "bye*";
  EXPECT_EQ(MatchData(h, msg, vars).reason,
            "header Subject: \"hello world\" does not match \"bye*\"");
  h.headers = {{"X-Missing", "*"}};
  EXPECT_EQ(MatchData(h, msg, vars).reason, "the message has no X-Missing header");

  DataMatcher e;
  e.equals = "other";
  EXPECT_FALSE(MatchData(e, msg, vars).ok);

  DataMatcher r;
  r.regex = "^Body";
  EXPECT_EQ(MatchData(r, msg, vars).reason, "the message does not match /^Body/");
}

TEST(DataMatcherEval, GlobMatchesLineByLineAndCountsTrailingBlankLines) {
  VarMap vars;
  DataMatcher g;
  g.glob = "Date: *\nMessage-ID: *\nSubject: cost \\* 2\n\nhello\n\n";
  // swaks ends its body with a blank line: the message is "...hello\r\n\r\n".
  const std::string swaks =
      "Date: Sun, 06 Dec 2026 01:22:23 +0000\r\nMessage-ID: <1@vm>\r\nSubject: cost * "
      "2\r\n\r\nhello\r\n\r\n";
  auto ok = MatchData(g, swaks, vars);
  EXPECT_TRUE(ok.ok) << ok.reason;
  // LF line ends are the same message.
  EXPECT_TRUE(MatchData(g, "Date: x\nMessage-ID: y\nSubject: cost * 2\n\nhello\n\n", vars).ok);
  auto short_one =
      MatchData(g, "Date: x\r\nMessage-ID: y\r\nSubject: cost * 2\r\n\r\nhello\r\n", vars);
  EXPECT_EQ(short_one.reason,
            "the message has 5 line(s), expected 6; the first missing one is \"\"");
  auto star =
      MatchData(g, "Date: x\r\nMessage-ID: y\r\nSubject: cost 3 2\r\n\r\nhello\r\n\r\n", vars);
  EXPECT_EQ(star.reason,
            "line 3 of the message \"Subject: cost 3 2\" does not match \"Subject: cost \\* 2\"");
  auto extra = MatchData(g, swaks + "more\r\n", vars);
  EXPECT_EQ(extra.reason, "the message has 7 line(s), expected 6; the first extra one is \"more\"");
}

TEST(DataMatcherEval, HeaderSearchStopsAtBody) {
  DataMatcher h;
  h.headers.emplace("Subject", "*");
  VarMap vars;
  EXPECT_FALSE(MatchData(h, "From: a\r\n\r\nSubject: in body\r\n", vars).ok);
}

TEST(NormalizeCommandLine, UpperCasesVerbAndPathKeyword) {
  EXPECT_EQ(NormalizeCommandLine("mail from:<A@b>"), "MAIL FROM:<A@b>");
  EXPECT_EQ(NormalizeCommandLine("rcpt to:<x>"), "RCPT TO:<x>");
  EXPECT_EQ(NormalizeCommandLine("ehlo Name"), "EHLO Name");
  EXPECT_EQ(NormalizeCommandLine("quit"), "QUIT");
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

TEST(DataMatcherEval, MaxLineLengthCountsOctetsWithTheCrlf) {
  VarMap vars;
  DataMatcher m;
  m.max_line_length = 1000;
  const std::string ok_line(998, 'a');  // 1000 with its CRLF
  EXPECT_TRUE(MatchData(m, "Subject: x\r\n\r\n" + ok_line + "\r\n", vars).ok);
  const std::string long_line(999, 'b');
  auto bad = MatchData(m, "Subject: x\r\n\r\nshort\r\n" + long_line + "\r\nend\r\n", vars);
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.reason,
            "line 4 of the message is 1001 octets with its CRLF, longer than 1000 "
            "(RFC 5321 4.5.3.1.6: 1000): \"" +
                std::string(60, 'b') + "\" ...");
  EXPECT_EQ(bad.expected, "a message with no line longer than 1000 octets (CRLF included)");
  // The last line without a line break counts too; a short one is quoted whole.
  m.max_line_length = 5;
  EXPECT_EQ(MatchData(m, "abc\r\nabcd", vars).reason,
            "line 2 of the message is 6 octets with its CRLF, longer than 5 (RFC 5321 4.5.3.1.6: "
            "1000): \"abcd\"");
}

}  // namespace
}  // namespace smtp
