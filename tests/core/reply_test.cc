#include "harness/core/reply.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace smtp {
namespace {

Reply ParseAll(const std::vector<std::string>& lines) {
  ReplyParser p;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto r = p.FeedLine(lines[i]);
    EXPECT_TRUE(r.ok()) << r.status().message();
    if (i + 1 < lines.size()) {
      EXPECT_FALSE(r->has_value());
    } else if (r.ok() && r->has_value()) {
      return **r;
    }
  }
  ADD_FAILURE() << "no complete reply";
  return {};
}

TEST(ReplyParser, SingleLine) {
  Reply r = ParseAll({"250 OK"});
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.Text(), "OK");
  EXPECT_EQ(r.ToWire(), "250 OK\r\n");
  EXPECT_EQ(r.Class(), 2);
}

TEST(ReplyParser, MultiLine) {
  Reply r = ParseAll({"250-mail.example.test Hello", "250-PIPELINING", "250 SIZE 10240000"});
  EXPECT_EQ(r.code, 250);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.Text(), "mail.example.test Hello\nPIPELINING\nSIZE 10240000");
  EXPECT_EQ(r.ToWire(), "250-mail.example.test Hello\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n");
  EXPECT_EQ(r.ToDisplay(), "250-mail.example.test Hello\n250-PIPELINING\n250 SIZE 10240000");
}

TEST(ReplyParser, CodeWithoutTextIsValid) {
  // RFC 5321 §4.2: Reply-code [ SP textstring ] CRLF
  Reply r = ParseAll({"250"});
  EXPECT_EQ(r.code, 250);
  EXPECT_EQ(r.Text(), "");
  Reply m = ParseAll({"250-", "250 done"});
  EXPECT_EQ(m.lines.size(), 2u);
}

TEST(ReplyParser, RecoversAfterAnError) {
  ReplyParser p;
  EXPECT_FALSE(p.FeedLine("garbage").ok());
  EXPECT_FALSE(p.in_progress());
  auto r = p.FeedLine("220 ready");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->code, 220);
}

TEST(ReplyParser, MalformedLinesHaveExactErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "malformed reply line '': shorter than a 3-digit code"},
      {"25", "malformed reply line '25': shorter than a 3-digit code"},
      {"OK 250", "malformed reply line 'OK 250': does not start with a 3-digit code"},
      {"2a0 x", "malformed reply line '2a0 x': does not start with a 3-digit code"},
      {"-250 x", "malformed reply line '-250 x': does not start with a 3-digit code"},
      {"199 x", "malformed reply line '199 x': code 199 is outside 2xx-5xx"},
      {"600 x", "malformed reply line '600 x': code 600 is outside 2xx-5xx"},
      {"000", "malformed reply line '000': code 000 is outside 2xx-5xx"},
      {"999 x", "malformed reply line '999 x': code 999 is outside 2xx-5xx"},
      {"260 x", "malformed reply line '260 x': second digit of code must be 0-5"},
      {"250x", "malformed reply line '250x': code must be followed by ' ' or '-'"},
      {"250:ok", "malformed reply line '250:ok': code must be followed by ' ' or '-'"},
      {"2500 ok", "malformed reply line '2500 ok': code must be followed by ' ' or '-'"},
      {"250\tok", "malformed reply line '250\\x09ok': code must be followed by ' ' or '-'"},
      {"25\r0", "malformed reply line '25\\r0': does not start with a 3-digit code"},
  };
  for (const auto& [line, error] : cases) {
    ReplyParser p;
    auto r = p.FeedLine(line);
    ASSERT_FALSE(r.ok()) << line;
    EXPECT_EQ(r.status().code(), Status::Code::kProtocol);
    EXPECT_EQ(r.status().message(), error);
  }
}

TEST(ReplyParser, MismatchedCodeAcrossLines) {
  ReplyParser p;
  ASSERT_TRUE(p.FeedLine("250-first").ok());
  auto r = p.FeedLine("251 second");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "malformed reply line '251 second': code 251 differs from 250 on the reply's first "
            "line");
}

TEST(ReplyParser, LongLineIsQuotedShort) {
  ReplyParser p;
  auto r = p.FeedLine("x" + std::string(200, 'y'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("...'"), std::string::npos);
  EXPECT_LT(r.status().message().size(), 160u);
}

TEST(EnhancedStatus, ParsesRfc3463Codes) {
  auto s = ParseEnhancedStatus("5.1.1 No such user");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->ToString(), "5.1.1");
  EXPECT_EQ(ParseEnhancedStatus("2.0.0")->ToString(), "2.0.0");
  EXPECT_EQ(ParseEnhancedStatus("4.7.100 x")->ToString(), "4.7.100");
}

TEST(EnhancedStatus, RejectsNonCodes) {
  for (const char* bad : {"", "OK", "3.0.0 x", "5.1", "5.1.", "5..1", "5.1.1x", "5.01.1",
                          "5.1.1000", "6.1.1", "5,1,1", " 5.1.1", "5.a.1"}) {
    EXPECT_FALSE(ParseEnhancedStatus(bad).has_value()) << bad;
  }
}

TEST(Reply, EnhancedMustAgreeWithCodeClass) {
  EXPECT_EQ(ParseAll({"550 5.1.1 No such user"}).Enhanced()->ToString(), "5.1.1");
  EXPECT_FALSE(ParseAll({"250 5.1.1 odd"}).Enhanced().has_value());
  EXPECT_FALSE(ParseAll({"250 OK"}).Enhanced().has_value());
}

TEST(ReplyFromText, BuildsSingleAndMultiLine) {
  auto r = ReplyFromText("550 5.1.1 No such user");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ToWire(), "550 5.1.1 No such user\r\n");
  auto m = ReplyFromText("250-a\n250 b\n");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->ToWire(), "250-a\r\n250 b\r\n");
  auto d = ReplyFromText("Hello there", 220);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ToWire(), "220 Hello there\r\n");
}

TEST(ReplyFromText, RejectsBadCodes) {
  EXPECT_EQ(ReplyFromText("hello").status().message(),
            "reply 'hello' must start with a code from 200 to 599");
  EXPECT_EQ(ReplyFromText("150 x").status().message(),
            "reply '150 x' must start with a code from 200 to 599");
  EXPECT_EQ(ReplyFromText("250-a\n251 b").status().message(),
            "reply '250-a\\n251 b' mixes codes 250 and 251");
}

TEST(Ehlo, ExtractsKeywordsAndParameters) {
  Reply r = ParseAll({"250-mx.example.test greets you", "250-PIPELINING", "250-SIZE 10240000",
                      "250-auth PLAIN LOGIN", "250-8BITMIME", "250 ENHANCEDSTATUSCODES"});
  EhloInfo e = ParseEhlo(r);
  EXPECT_EQ(e.domain, "mx.example.test");
  EXPECT_TRUE(e.Has("pipelining"));
  EXPECT_TRUE(e.Has("8BITMIME"));
  EXPECT_FALSE(e.Has("STARTTLS"));
  EXPECT_EQ(e.Params("SIZE"), "10240000");
  EXPECT_EQ(*e.SizeLimit(), 10240000ULL);
  EXPECT_EQ(e.AuthMechanisms(), (std::vector<std::string>{"PLAIN", "LOGIN"}));
  EXPECT_EQ(e.Params("PIPELINING"), "");
  EXPECT_FALSE(e.Params("CHUNKING").has_value());
}

TEST(Ehlo, SizeWithoutLimitAndOldAuthForm) {
  Reply r = ParseAll({"250-x", "250-SIZE", "250 AUTH=PLAIN"});
  EhloInfo e = ParseEhlo(r);
  EXPECT_EQ(*e.SizeLimit(), 0ULL);
  EXPECT_EQ(e.AuthMechanisms(), (std::vector<std::string>{"PLAIN"}));
  EXPECT_FALSE(ParseEhlo(ParseAll({"250 only.domain"})).SizeLimit().has_value());
}

// RFC 1870 §3: up to 20 digits; past 64 bits it is as good as no limit.
TEST(Ehlo, SizeLimitOfTwentyDigits) {
  auto limit = [](const std::string& line) {
    return *ParseEhlo(ParseAll({"250-x", line, "250 8BITMIME"})).SizeLimit();
  };
  EXPECT_EQ(limit("250-SIZE 18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(limit("250-SIZE 99999999999999999999"), UINT64_MAX);
  EXPECT_EQ(limit("250-SIZE 00000000000000001000"), 1000u);
  EXPECT_EQ(limit("250-SIZE 100000000000000000000"), 0u);  // 21 digits: not a SIZE value
  EXPECT_EQ(limit("250-SIZE -5"), 0u);                     // strtoull made this 2^64-5
  EXPECT_EQ(limit("250-SIZE 12abc"), 0u);
}

}  // namespace
}  // namespace smtp
