#include "harness/core/command.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace smtp {
namespace {

TEST(ParseCommand, VerbIsCaseInsensitive) {
  auto c = ParseCommand("mail FROM:<a@b.test>");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verb, "MAIL");
  EXPECT_EQ(c->args, "FROM:<a@b.test>");
  auto q = ParseCommand("QUIT");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->verb, "QUIT");
  EXPECT_EQ(q->args, "");
  EXPECT_EQ(ParseCommand("EhLo client.test")->verb, "EHLO");
}

TEST(ParseCommand, RejectsMalformedLines) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "empty command line"},
      {" HELO x", "command line starts with a space"},
      {"HE1O x", "command verb 'HE1O' is not alphabetic"},
      {"HELO\tx", "command verb 'HELO\tx' is not alphabetic"},
      {"MAIL:FROM", "command verb 'MAIL:FROM' is not alphabetic"},
      {"\x01\x02", "command verb '\x01\x02' is not alphabetic"},
  };
  for (const auto& [line, error] : cases) {
    auto c = ParseCommand(line);
    ASSERT_FALSE(c.ok()) << line;
    EXPECT_EQ(c.status().message(), error);
  }
}

TEST(HasVerb, MatchesTheWholeVerbInAnyCase) {
  EXPECT_TRUE(HasVerb("EHLO client.example", "EHLO"));
  EXPECT_TRUE(HasVerb("ehlo client.example", "EHLO"));
  EXPECT_TRUE(HasVerb("QUIT", "QUIT"));
  EXPECT_FALSE(HasVerb("EHLOX", "EHLO"));
  EXPECT_FALSE(HasVerb("EHL", "EHLO"));
  EXPECT_FALSE(HasVerb(" EHLO x", "EHLO"));
  EXPECT_FALSE(HasVerb("HELO x", "EHLO"));
}

TEST(ParseMailFrom, PlainPathAndParameters) {
  auto p = ParseMailFrom("FROM:<alice@example.test> SIZE=1024 BODY=8BITMIME SMTPUTF8");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->Address(), "alice@example.test");
  EXPECT_EQ(p->mailbox.local_part, "alice");
  EXPECT_EQ(p->mailbox.domain, "example.test");
  ASSERT_EQ(p->params.size(), 3u);
  EXPECT_EQ(p->Param("size")->value, "1024");
  EXPECT_EQ(p->Param("BODY")->value, "8BITMIME");
  EXPECT_FALSE(p->Param("SMTPUTF8")->has_value);
  EXPECT_EQ(p->Param("AUTH"), nullptr);
}

TEST(ParseMailFrom, NullPathQuotedLocalPartRouteAndLiteral) {
  auto n = ParseMailFrom("FROM:<>");
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->null_path);
  EXPECT_EQ(n->Address(), "");
  auto q = ParseMailFrom("FROM:<\"john doe\"@example.test>");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_EQ(q->mailbox.local_part, "\"john doe\"");
  auto r = ParseMailFrom("FROM:<@relay1.test,@relay2.test:user@example.test>");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source_route, "@relay1.test,@relay2.test");
  EXPECT_EQ(r->Address(), "user@example.test");
  auto l = ParseMailFrom("FROM:<user@[127.0.0.1]>");
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->mailbox.domain, "[127.0.0.1]");
  auto s = ParseMailFrom("from: <a@b.test>");  // lower case, space after colon: tolerated
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->Address(), "a@b.test");
  auto u = ParseMailFrom("FROM:<jos\xc3\xa9@exampl\xc3\xa9.test> SMTPUTF8");
  ASSERT_TRUE(u.ok()) << u.status().message();
  auto gt = ParseMailFrom("FROM:<\"a>b\"@example.test>");
  ASSERT_TRUE(gt.ok()) << gt.status().message();
  EXPECT_EQ(gt->mailbox.local_part, "\"a>b\"");
}

TEST(ParseRcptTo, PostmasterAndPaths) {
  auto p = ParseRcptTo("TO:<Postmaster>");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->postmaster);
  auto d = ParseRcptTo("TO:<postmaster@example.test> NOTIFY=NEVER");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->Address(), "postmaster@example.test");
  EXPECT_EQ(d->Param("NOTIFY")->value, "NEVER");
}

TEST(ParseMailFrom, MalformedPathsHaveExactErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected FROM:<address>, got ''"},
      {"FROM", "expected FROM:<address>, got 'FROM'"},
      {"TO:<a@b.test>", "expected FROM:<address>, got 'TO:<a@b.test>'"},
      {"FROM:a@b.test", "expected '<' to open the path in 'FROM:a@b.test'"},
      {"FROM:  <a@b.test>", "expected '<' to open the path in 'FROM:  <a@b.test>'"},
      {"FROM:<a@b.test", "missing '>' to close the path in 'FROM:<a@b.test'"},
      {"FROM:<ab.test>", "address 'ab.test' has no '@domain'"},
      {"FROM:<@b.test>", "source route without ':' in '@b.test'"},
      {"FROM:<a@>", "empty domain"},
      {"FROM:<a@b..test>", "empty label in domain 'b..test'"},
      {"FROM:<a@-b.test>", "domain label may not start or end with '-' in '-b.test'"},
      {"FROM:<a@b_c.test>", "invalid character '_' in domain 'b_c.test'"},
      {"FROM:<a@[127.0.0.1>", "address literal '[127.0.0.1' is missing ']'"},
      {"FROM:<.a@b.test>", "misplaced '.' in local part '.a'"},
      {"FROM:<a..b@b.test>", "misplaced '.' in local part 'a..b'"},
      {"FROM:<a b@b.test>", "invalid character ' ' in local part 'a b' (quote it)"},
      {"FROM:<\"ab@b.test>", "missing '>' to close the path in 'FROM:<\"ab@b.test>'"},
      {"FROM:<a@b.test>SIZE=1", "expected a space before parameter at 'SIZE=1'"},
      {"FROM:<a@b.test> SIZE=", "empty value for parameter SIZE"},
      {"FROM:<a@b.test> =1", "invalid parameter keyword in '=1'"},
      {"FROM:<a@b.test> SI_ZE=1", "invalid parameter keyword in 'SI_ZE=1'"},
      {"FROM:<@a.test:b.test>", "address 'b.test' has no '@domain'"},
  };
  for (const auto& [args, error] : cases) {
    auto p = ParseMailFrom(args);
    ASSERT_FALSE(p.ok()) << args;
    EXPECT_EQ(p.status().message(), error) << args;
  }
}

TEST(ParseRcptTo, MalformedPathsHaveExactErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"TO:<>", "empty path <> is not allowed in RCPT TO"},
      {"FROM:<a@b.test>", "expected TO:<address>, got 'FROM:<a@b.test>'"},
      {"TO<a@b.test>", "expected TO:<address>, got 'TO<a@b.test>'"},
      {"TO:<a@b.test> NOTIFY=a=b", "invalid character in value of parameter NOTIFY"},
      {"TO:<postmaster>", ""},
  };
  for (const auto& [args, error] : cases) {
    auto p = ParseRcptTo(args);
    if (error.empty()) {
      EXPECT_TRUE(p.ok()) << args;
      continue;
    }
    ASSERT_FALSE(p.ok()) << args;
    EXPECT_EQ(p.status().message(), error) << args;
  }
}

TEST(ParseMailbox, LengthLimits) {
  EXPECT_EQ(ParseMailbox(std::string(65, 'a') + "@b.test").status().message(),
            "local part longer than 64 octets");
  EXPECT_TRUE(ParseMailbox(std::string(64, 'a') + "@b.test").ok());
}

}  // namespace
}  // namespace smtp
