// Tests SendWelcomeMail against the smtp-harness fake server, in-process.
#include "welcome_mail.h"

#include <gtest/gtest.h>
#include <smtp_harness/fake_smtp_server.h>

using namespace std::chrono_literals;

TEST(WelcomeMail, ArrivesWithSubjectAndName) {
  smtp_harness::FakeSmtpServer server;
  ASSERT_EQ(SendWelcomeMail(server.host(), server.port(), "ada@example.test", "Ada"), "");
  ASSERT_TRUE(server.WaitForMessages(1, 5s));
  auto mail = server.messages().at(0);
  EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"ada@example.test"});
  EXPECT_EQ(mail.Header("Subject"), "Welcome");
  EXPECT_EQ(mail.Body(), "Welcome, Ada!\r\n");
}

TEST(WelcomeMail, ReportsARefusedRecipient) {
  // The same `server:` keys as a scenario: here a rule that refuses one address.
  smtp_harness::FakeSmtpServer server(
      "rules:\n  - when: \"RCPT TO:<nobody@*>\"\n    reply: \"550 5.1.1 No such user\"\n");
  std::string error = SendWelcomeMail(server.host(), server.port(), "nobody@example.test", "X");
  EXPECT_NE(error.find("550 5.1.1 No such user"), std::string::npos) << error;
  EXPECT_TRUE(server.messages().empty());
}
