#include "harness/record/reply_generaliser.h"

#include <gtest/gtest.h>

#include "harness/util/glob.h"

namespace smtp {
namespace {

Reply R(int code, std::vector<std::string> lines) { return Reply{code, std::move(lines)}; }

TEST(ReplyGeneraliserTest, QueueIdBecomesStar) {
  EXPECT_EQ(
      GeneraliseReply(R(250, {"2.0.0 Ok: queued as 4XbZ1q0Kk2z"}), GeneraliseLevel::kVolatile),
      "250 2.0.0 Ok: queued as *");
}

TEST(ReplyGeneraliserTest, HostNameInGreetingBecomesStar) {
  EXPECT_EQ(GeneraliseReply(R(220, {"mail.example.test ESMTP Postfix (Debian/GNU)"}),
                            GeneraliseLevel::kVolatile),
            "220 * ESMTP Postfix (Debian/GNU)");
}

TEST(ReplyGeneraliserTest, DatesAndTimesCollapseIntoOneStar) {
  EXPECT_EQ(GeneraliseReply(R(220, {"mx.example.test ESMTP ready Sat, 28 Nov 2026 13:00:00 +0000"}),
                            GeneraliseLevel::kVolatile),
            "220 * ESMTP ready *");
}

TEST(ReplyGeneraliserTest, StableRepliesStayAsTheyAre) {
  EXPECT_EQ(GeneraliseReply(R(221, {"2.0.0 Bye"}), GeneraliseLevel::kVolatile), "221 2.0.0 Bye");
  EXPECT_EQ(
      GeneraliseReply(R(354, {"End data with <CR><LF>.<CR><LF>"}), GeneraliseLevel::kVolatile),
      "354 End data with <CR><LF>.<CR><LF>");
}

TEST(ReplyGeneraliserTest, AddressesAndIpLiteralsBecomeStars) {
  EXPECT_EQ(
      GeneraliseReply(R(250, {"2.1.0 <alice@example.test> sender ok"}), GeneraliseLevel::kVolatile),
      "250 2.1.0 * sender ok");
  EXPECT_EQ(GeneraliseReply(R(250, {"mx Hello [127.0.0.1]"}), GeneraliseLevel::kVolatile),
            "250 mx Hello *");
}

TEST(ReplyGeneraliserTest, MultiLineReplyBecomesOneGlobOnItsFirstLine) {
  Reply ehlo = R(250, {"mail.example.test", "PIPELINING", "SIZE 10240000", "8BITMIME"});
  EXPECT_EQ(GeneraliseReply(ehlo, GeneraliseLevel::kVolatile), "250 *");
  Reply named = R(250, {"Hello there", "PIPELINING"});
  EXPECT_EQ(GeneraliseReply(named, GeneraliseLevel::kVolatile), "250 Hello there *");
}

TEST(ReplyGeneraliserTest, CodeLevelKeepsOnlyTheCode) {
  EXPECT_EQ(GeneraliseReply(R(550, {"5.1.1 No such user"}), GeneraliseLevel::kCode), "550 *");
}

TEST(ReplyGeneraliserTest, ExactLevelEscapesGlobCharacters) {
  EXPECT_EQ(GeneraliseReply(R(250, {"cost $5 *now*?"}), GeneraliseLevel::kExact),
            "250 cost $5 \\*now\\*\\?");
  EXPECT_EQ(GeneraliseReply(R(250, {"a", "b"}), GeneraliseLevel::kExact), "250-a\n250 b");
}

TEST(ReplyGeneraliserTest, VolatileGlobStillMatchesTheOriginalReply) {
  for (const Reply& r : {R(250, {"2.0.0 Ok: queued as 4XbZ1q0Kk2z"}), R(220, {"h.example ESMTP x"}),
                         R(250, {"h.example", "PIPELINING"})}) {
    std::string glob = GeneraliseReply(r, GeneraliseLevel::kVolatile);
    EXPECT_TRUE(GlobMatch(glob, std::to_string(r.code) + " " + r.lines.front())) << glob;
  }
}

TEST(ReplyGeneraliserTest, ParsesLevels) {
  EXPECT_EQ(*ParseGeneraliseLevel("code"), GeneraliseLevel::kCode);
  EXPECT_EQ(ParseGeneraliseLevel("fuzzy").status().message(),
            "invalid --generalise 'fuzzy': expected exact, volatile or code");
}

}  // namespace
}  // namespace smtp
