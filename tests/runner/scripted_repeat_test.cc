// ScriptedSession: `repeat:` and `optional:` on server-mode expect steps
// (SPEC §9), and strict.crlf on the message (issue 14, items 5 and 7).
#include <gtest/gtest.h>

#include "harness/runner/scripted_session.h"
#include "tests/runner/script_steps.h"

namespace smtp {
namespace {

using test::Expect;

// greeting, HELO, MAIL, RCPT (min..max), DATA, message, QUIT, close
Scenario Lab(int rcpt_min, int rcpt_max, bool strict_crlf = false) {
  Scenario sc;
  sc.name = "lab";
  sc.file = "lab.yaml";
  sc.mode = ScenarioMode::kServer;
  sc.strict.crlf = strict_crlf;
  sc.steps.push_back(test::Reply("220 lab.test ESMTP"));
  sc.steps.push_back(Expect("HELO *", "250 Hello"));
  sc.steps.push_back(Expect("MAIL FROM:<*>", "250 OK"));
  sc.steps.push_back(Expect("RCPT TO:<*>", "250 Recipient OK", rcpt_min, rcpt_max));
  sc.steps.push_back(Expect("DATA", "354"));
  sc.steps.push_back(test::ExpectData({"\n.dot line"}, "250 OK queued"));
  sc.steps.push_back(Expect("QUIT", "221 *"));
  sc.steps.push_back(test::ExpectClose());
  test::NumberSteps(sc);
  return sc;
}

struct Harness {
  explicit Harness(const Scenario& sc) {
    ScriptOptions o = test::QuietOptions();
    session = std::make_unique<ScriptedSession>(sc, 1, o, [this](SessionReport r) {
      ++deliveries;
      report = std::move(r);
    });
    session->OnConnect();
  }
  std::string Feed(std::string_view bytes) {
    std::string out;
    for (const auto& a : session->OnBytes(bytes)) {
      if (a.kind == SessionAction::Kind::kWrite) out += a.bytes;
    }
    return out;
  }
  SessionReport report;
  int deliveries = 0;
  std::unique_ptr<ScriptedSession> session;
};

constexpr const char* kMessage = "Subject: lab\r\n\r\nhi\r\n..dot line\r\n.\r\n";

TEST(ScriptedRepeatTest, TwoRecipientsPassARepeatingStep) {
  Scenario sc = Lab(1, kRepeatUnbounded);
  Harness h(sc);
  h.Feed("HELO x\r\n");
  h.Feed("MAIL FROM:<a@x.test>\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<b@x.test>\r\n"), "250 Recipient OK\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<c@x.test>\r\n"), "250 Recipient OK\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n").substr(0, 4), "354 ");
  EXPECT_EQ(h.Feed(kMessage), "250 OK queued\r\n");
  h.Feed("QUIT\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_FALSE(h.report.failure) << h.report.failure->message;
  EXPECT_TRUE(h.report.completed);
  EXPECT_EQ(h.report.steps[3].status, Verdict::kPassed);
  EXPECT_EQ(h.report.steps[3].message, "matched 2 commands");
  EXPECT_EQ(h.report.steps[3].received, "RCPT TO:<b@x.test>\\r\\n\nRCPT TO:<c@x.test>\\r\\n");
  EXPECT_EQ(h.report.steps[3].sent, "250 Recipient OK\n250 Recipient OK");
}

TEST(ScriptedRepeatTest, WithoutRepeatASecondRecipientFails) {
  Scenario sc = Lab(1, 1);
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<c@x.test>\r\n").substr(0, 4), "503 ");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 4);
}

TEST(ScriptedRepeatTest, MoreThanMaxGoesToTheNextStep) {
  Scenario sc = Lab(1, 2);
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nRCPT TO:<c@x.test>\r\n");
  EXPECT_EQ(h.Feed("RCPT TO:<d@x.test>\r\n").substr(0, 4), "503 ");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 4);  // DATA expected after two RCPTs
  EXPECT_EQ(h.report.steps[3].status, Verdict::kPassed);
}

TEST(ScriptedRepeatTest, FewerThanMinFailsNamingTheCount) {
  Scenario sc = Lab(2, 3);
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n").substr(0, 4), "503 ");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 3);
  EXPECT_NE(h.report.failure->message.find("after 1 matching command; at least 2 expected"),
            std::string::npos)
      << h.report.failure->message;
}

TEST(ScriptedRepeatTest, OptionalStepLeftOutPasses) {
  Scenario sc = Lab(0, 1);  // `optional: true`
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\n");
  EXPECT_EQ(h.Feed("DATA\r\n").substr(0, 4), "354 ");
  h.Feed(kMessage);
  h.Feed("QUIT\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_FALSE(h.report.failure) << h.report.failure->message;
  EXPECT_EQ(h.report.steps[3].status, Verdict::kPassed);
  EXPECT_TRUE(h.report.steps[3].optional_mismatch);
  EXPECT_EQ(h.report.steps[3].message, "optional: the client did not send it");
}

TEST(ScriptedRepeatTest, OptionalLastCommandBeforeClose) {
  Scenario sc = Lab(1, 1);
  sc.steps[6].repeat_min = 0;  // QUIT optional
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  h.Feed(kMessage);
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_FALSE(h.report.failure) << h.report.failure->message;
  EXPECT_TRUE(h.report.completed);
}

// Issue 14 item 7: a message with bare-LF lines under strict.crlf fails for
// the bare LF, and "\n.dot line" after a bare LF is not unstuffed as a line.
TEST(ScriptedRepeatTest, StrictCrlfBareLfIsTheReasonBeforeContent) {
  Scenario sc = Lab(1, 1, /*strict_crlf=*/true);
  Harness h(sc);
  h.Feed("HELO x\r\nMAIL FROM:<a@x.test>\r\nRCPT TO:<b@x.test>\r\nDATA\r\n");
  EXPECT_EQ(h.Feed("Subject: lab\n\nhi\n.dot line\n.\n"), "250 OK queued\r\n");
  h.Feed("QUIT\r\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  ASSERT_TRUE(h.report.failure);
  EXPECT_EQ(h.report.failure->step, 5);
  EXPECT_NE(h.report.failure->message.find("bare LF"), std::string::npos)
      << h.report.failure->message;
  EXPECT_EQ(h.report.failure->message.find("does not contain"), std::string::npos)
      << h.report.failure->message;
  // The transcript shows the message as one line: no CRLF ended a line.
  bool whole = false;
  for (const auto& e : h.report.transcript)
    whole = whole || e.text == "Subject: lab\n\nhi\n.dot line\n";
  EXPECT_TRUE(whole);
}

TEST(ScriptedRepeatTest, LenientBareLfStillEndsLines) {
  Scenario sc = Lab(1, 1, /*strict_crlf=*/false);
  Harness h(sc);
  h.Feed("HELO x\nMAIL FROM:<a@x.test>\nRCPT TO:<b@x.test>\nDATA\n");
  EXPECT_EQ(h.Feed("Subject: lab\n\nhi\n..dot line\n.\n"), "250 OK queued\r\n");
  h.Feed("QUIT\n");
  h.session->OnEnd(SessionEnd::kClientClosed);
  EXPECT_FALSE(h.report.failure) << h.report.failure->message;
}

}  // namespace
}  // namespace smtp
