#include "harness/core/fault_rules.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

std::shared_ptr<RuleBook> Book(std::vector<FaultRule> rules) {
  auto book = RuleBook::Create(std::move(rules));
  EXPECT_TRUE(book.ok()) << book.status().message();
  return book.ok() ? *book : nullptr;
}

FaultRule When(std::string when, FaultRule::On on = FaultRule::On::kCommand) {
  FaultRule r;
  r.on = on;
  r.when = std::move(when);
  r.reply = "550 5.7.1 no";
  r.source_line = 7;
  return r;
}

// Issue 14 item 14: real clients send ESMTP parameters after the path.
TEST(FaultRules, PathGlobFiresWithOrWithoutParameters) {
  auto book = Book({When("MAIL FROM:<badfrom@*>")});
  const auto kCmd = FaultRule::On::kCommand;
  EXPECT_NE(book->Match(kCmd, "MAIL FROM:<badfrom@x.test>"), nullptr);
  EXPECT_NE(book->Match(kCmd, "MAIL FROM:<badfrom@x.test> SIZE=229"), nullptr);
  EXPECT_NE(book->Match(kCmd, "mail from:<BADFROM@x.test> SIZE=229 BODY=8BITMIME"), nullptr);
  EXPECT_EQ(book->Match(kCmd, "MAIL FROM:<good@x.test> SIZE=229"), nullptr);
  EXPECT_EQ(book->Match(kCmd, "RCPT TO:<badfrom@x.test> NOTIFY=NEVER"), nullptr);
}

TEST(FaultRules, RcptPathGlobAndQuotedLocalPart) {
  auto book = Book({When("RCPT TO:<nobody@*>")});
  const auto kCmd = FaultRule::On::kCommand;
  EXPECT_NE(book->Match(kCmd, "RCPT TO:<nobody@x.test> NOTIFY=SUCCESS,FAILURE"), nullptr);
  auto quoted = Book({When("RCPT TO:<\"a>b\"@*>")});
  EXPECT_NE(quoted->Match(kCmd, "RCPT TO:<\"a>b\"@x.test> NOTIFY=NEVER"), nullptr);
}

TEST(FaultRules, GlobNamingParametersNeedsThem) {
  auto book = Book({When("MAIL FROM:<*> *SMTPUTF8*")});
  const auto kCmd = FaultRule::On::kCommand;
  EXPECT_NE(book->Match(kCmd, "MAIL FROM:<a@x.test> SMTPUTF8"), nullptr);
  EXPECT_NE(book->Match(kCmd, "MAIL FROM:<a@x.test> SIZE=1 SMTPUTF8"), nullptr);
  EXPECT_EQ(book->Match(kCmd, "MAIL FROM:<a@x.test> SIZE=1"), nullptr);
  EXPECT_EQ(book->Match(kCmd, "MAIL FROM:<a@x.test>"), nullptr);
}

TEST(FaultRules, OtherCommandsMatchTheWholeLine) {
  auto book = Book({When("EHLO client")});
  EXPECT_EQ(book->Match(FaultRule::On::kCommand, "EHLO client extra"), nullptr);
  EXPECT_NE(book->Match(FaultRule::On::kCommand, "ehlo client"), nullptr);
}

TEST(FaultRules, RegexIsPcre2Multiline) {
  auto book = Book({When("/^Subject:[\\s\\S]*viagra/", FaultRule::On::kMessage)});
  EXPECT_NE(book->Match(FaultRule::On::kMessage, "From: a\r\nSubject: buy\r\n\r\nVIAGRA\r\n"),
            nullptr);
  EXPECT_EQ(book->Match(FaultRule::On::kMessage, "From: a\r\n\r\nviagra\r\n"), nullptr);
}

TEST(FaultRules, InvalidRegexNamesTheLine) {
  auto book = RuleBook::Create({When("/(unclosed/")});
  ASSERT_FALSE(book.ok());
  EXPECT_NE(book.status().message().find("line 7: invalid regex /(unclosed/"), std::string::npos)
      << book.status().message();
}

// Issue 14 item 8: a regex that hits a limit answers 451 naming it.
TEST(FaultRules, RegexAtALimitAnswers451) {
  auto book = Book({When("/(a+)+$/", FaultRule::On::kMessage)});
  std::string message = std::string(200'000, 'a') + "b\r\n";
  const FaultRule* r = book->Match(FaultRule::On::kMessage, message);
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->reply);
  EXPECT_EQ(r->reply->substr(0, 10), "451 4.3.0 ");
  EXPECT_NE(r->reply->find("the rule at line 7 cannot be applied"), std::string::npos) << *r->reply;
  EXPECT_NE(r->reply->find("match limit"), std::string::npos) << *r->reply;
  EXPECT_EQ(book->Match(FaultRule::On::kMessage, message), r);  // one stand-in per limit
  EXPECT_EQ(book->Match(FaultRule::On::kMessage, "aa\r\n")->reply, "550 5.7.1 no");
}

}  // namespace
}  // namespace smtp
