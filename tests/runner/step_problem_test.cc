#include "harness/runner/step_problem.h"

#include <gtest/gtest.h>

namespace smtp {
namespace {

using namespace std::chrono_literals;

TEST(StepProblem, ReadFailuresAreTheServersDoingExceptInternalErrors) {
  auto t = ReadProblem(Status::Timeout("read timed out"), 5s);
  EXPECT_FALSE(t.error);
  EXPECT_EQ(t.actual, "no reply within 5s");
  auto c = ReadProblem(Status::Closed("eof"), 5s);
  EXPECT_EQ(c.actual, "connection closed by the server");
  auto m = ReadProblem(Status::Protocol("bad code"), 5s);
  EXPECT_EQ(m.actual, "malformed reply");
  EXPECT_EQ(m.why, "bad code");
  auto l = ReadProblem(Status::Io("read: reset"), 5s);
  EXPECT_EQ(l.actual, "connection lost");
  auto e = ReadProblem(Status::Internal("no TLS context"), 5s);
  EXPECT_TRUE(e.error);
  EXPECT_EQ(e.actual, "no TLS context");
}

TEST(StepProblem, ACloseBeforeAnyReplyNamesTheCommand) {
  EXPECT_EQ(ReadProblem(Status::Closed("eof"), 5s, "RSET").actual,
            "connection closed with no reply to RSET");
  EXPECT_EQ(ReadProblem(Status::Closed("eof"), 5s, "").actual, "connection closed by the server");
  // A reply cut in the middle is not "no reply".
  EXPECT_EQ(
      ReadProblem(Status::Closed("eof").Prefixed("incomplete reply 250-PIPE"), 5s, "EHLO").actual,
      "connection closed by the server");
  EXPECT_EQ(ReplyAwaited("rset"), "RSET");
  EXPECT_EQ(ReplyAwaited("BDAT 10\r\nSubject: x"), "BDAT");
  EXPECT_EQ(ReplyAwaited("."), "the end of the data");
  EXPECT_EQ(ReplyAwaited(""), "");
}

TEST(StepProblem, WriteFailures) {
  EXPECT_EQ(WriteProblem(Status::Timeout("write timed out"), 250ms).actual,
            "could not send within 250ms");
  auto c = WriteProblem(Status::Io("write: broken pipe"), 1s);
  EXPECT_FALSE(c.error);
  EXPECT_EQ(c.actual, "connection closed by the server");
  EXPECT_EQ(c.why, "write: broken pipe");
}

TEST(StepProblem, MessagesReadExpectedThenGot) {
  StepProblem p{false, "550 5.1.1 no\n550 such user", "code 550 is not 250", ""};
  EXPECT_EQ(StepFailureMessage("a.yaml:7: step 3 (send)", "250", p),
            "a.yaml:7: step 3 (send): expected 250, got 550 5.1.1 no | 550 such user");
  p.why = "text /OK/ not found";
  EXPECT_EQ(
      StepFailureMessage("w", "250 with text /OK/", p),
      "w: expected 250 with text /OK/, got 550 5.1.1 no | 550 such user (text /OK/ not found)");
  StepProblem e{true, "cannot connect: refused", "", ""};
  EXPECT_EQ(StepFailureMessage("w", "connection", e), "w: cannot connect: refused");
}

}  // namespace
}  // namespace smtp
