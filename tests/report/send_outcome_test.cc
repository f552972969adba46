#include "harness/report/send_outcome.h"

#include <gtest/gtest.h>

#include <set>

namespace smtp {
namespace {

TEST(SendExitCode, EveryPhaseHasItsOwnDocumentedCode) {
  EXPECT_EQ(SendExitCode(SendPhase::kNone), 0);
  EXPECT_EQ(SendExitCode(SendPhase::kResolve), 19);
  EXPECT_EQ(SendExitCode(SendPhase::kConnect), 20);
  EXPECT_EQ(SendExitCode(SendPhase::kGreeting), 21);
  EXPECT_EQ(SendExitCode(SendPhase::kEhlo), 22);
  EXPECT_EQ(SendExitCode(SendPhase::kMail), 23);
  EXPECT_EQ(SendExitCode(SendPhase::kRcpt), 24);
  EXPECT_EQ(SendExitCode(SendPhase::kData), 25);
  EXPECT_EQ(SendExitCode(SendPhase::kFinal), 26);
  EXPECT_EQ(SendExitCode(SendPhase::kStartTls), 28);
  EXPECT_EQ(SendExitCode(SendPhase::kAuth), 29);
  std::set<int> codes;
  for (auto p : {SendPhase::kResolve, SendPhase::kConnect, SendPhase::kGreeting, SendPhase::kEhlo,
                 SendPhase::kStartTls, SendPhase::kAuth, SendPhase::kMail, SendPhase::kRcpt,
                 SendPhase::kData, SendPhase::kFinal}) {
    int c = SendExitCode(p);
    EXPECT_NE(c, kSendExitUsage);
    EXPECT_NE(c, kSendExitOk);
    codes.insert(c);
  }
  EXPECT_EQ(codes.size(), 10u);
}

TEST(ReplyOneLine, JoinsMultiLineReplies) {
  Reply r{550, {"5.7.1 first", "second"}};
  EXPECT_EQ(ReplyOneLine(r), "550 5.7.1 first / 550 second");
  EXPECT_EQ(ReplyOneLine(Reply{250, {""}}), "250");
}

TEST(ExtractQueueId, KnownServerFormats) {
  EXPECT_EQ(ExtractQueueId(Reply{250, {"2.0.0 Ok: queued as 4F3K1x0Abc"}}), "4F3K1x0Abc");
  EXPECT_EQ(ExtractQueueId(Reply{250, {"OK id=1rAbCd-000123-XY"}}), "1rAbCd-000123-XY");
  EXPECT_EQ(ExtractQueueId(Reply{250, {"2.0.0 4AB12CD34 Message accepted for delivery"}}),
            "4AB12CD34");
  EXPECT_EQ(ExtractQueueId(Reply{250, {"Message accepted for delivery"}}), "");
  EXPECT_EQ(ExtractQueueId(Reply{250, {"OK"}}), "");
}

}  // namespace
}  // namespace smtp
