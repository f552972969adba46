#include "harness/runner/transcript_update.h"

#include <gtest/gtest.h>

#include "harness/runner/line_diff.h"

namespace smtp {
namespace {

Transcript Observed(std::initializer_list<std::pair<char, const char*>> lines) {
  Transcript t;
  for (auto [d, text] : lines) t.push_back(TranscriptEntry{0, d, text});
  return t;
}

TEST(TranscriptUpdate, KeepsMatchingGlobsReplacesTheRest) {
  std::vector<std::string> old = {"S: 220 *", "# comment",   "C: EHLO x", "S: 250 *",
                                  "C: NOOP",  "S: 250 fine", "C: QUIT",   "S: 221 *"};
  auto t = Observed({{'S', "220 srv ESMTP"},
                     {'C', "EHLO x"},
                     {'S', "250-srv"},
                     {'S', "250 PIPELINING"},
                     {'*', "note"},
                     {'C', "NOOP"},
                     {'S', "250 Ok"},
                     {'C', "QUIT"},
                     {'S', "221 Bye"}});
  auto out = UpdatedTranscriptLines(old, t, true);
  EXPECT_EQ(out, std::vector<std::string>({"S: 220 *", "# comment", "C: EHLO x", "S: 250 *",
                                           "C: NOOP", "S: 250 Ok", "C: QUIT", "S: 221 *"}));
}

// run --update writes what it observed through the generaliser, so volatile
// parts become globs (issue 14, item 19); lines that still match stay.
TEST(TranscriptUpdate, ReplacedLinesGoThroughTheGeneraliser) {
  std::vector<std::string> old = {"S: 220 *", "C: NOOP", "S: 250 Ok", "C: QUIT", "S: 221 bye"};
  auto t = Observed({{'S', "220 srv"},
                     {'C', "NOOP"},
                     {'S', "250 2.0.0 Ok: queued as 7.1"},
                     {'C', "QUIT"},
                     {'S', "221 2.0.0 closing"}});
  auto generalise = [](const std::string& line) { return "<" + line + ">"; };
  EXPECT_EQ(UpdatedTranscriptLines(old, t, true, generalise),
            std::vector<std::string>({"S: 220 *", "C: NOOP", "S: <250 2.0.0 Ok: queued as 7.1>",
                                      "C: QUIT", "S: <221 2.0.0 closing>"}));
}

TEST(TranscriptUpdate, StoppedEarlyKeepsTheUnexercisedRest) {
  std::vector<std::string> old = {"S: 220 *", "C: RCPT TO:<a@b>", "S: 250 *", "C: QUIT",
                                  "S: 221 *"};
  auto t = Observed({{'S', "220 x"}, {'C', "RCPT TO:<a@b>"}, {'S', "550 5.1.1 no"}});
  EXPECT_EQ(UpdatedTranscriptLines(old, t, false),
            std::vector<std::string>(
                {"S: 220 *", "C: RCPT TO:<a@b>", "S: 550 5.1.1 no", "C: QUIT", "S: 221 *"}));
  // A completed run drops lines it never reached.
  EXPECT_EQ(UpdatedTranscriptLines(old, t, true),
            std::vector<std::string>({"S: 220 *", "C: RCPT TO:<a@b>", "S: 550 5.1.1 no"}));
}

TEST(LineDiff, UnifiedHunks) {
  EXPECT_EQ(UnifiedDiff({"a", "b"}, {"a", "b"}, "x", "y"), "");
  EXPECT_EQ(UnifiedDiff({"a", "b", "c"}, {"a", "B", "c"}, "x", "y"),
            "--- x\n+++ y\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  std::vector<std::string> a, b;
  for (int i = 0; i < 20; ++i) a.push_back(std::to_string(i));
  b = a;
  b[1] = "one";
  b[18] = "eighteen";
  EXPECT_EQ(UnifiedDiff(a, b, "x", "y"),
            "--- x\n+++ y\n@@ -1,5 +1,5 @@\n 0\n-1\n+one\n 2\n 3\n 4\n"
            "@@ -16,5 +16,5 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n");
  EXPECT_EQ(UnifiedDiff({}, {"new"}, "x", "y"), "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+new\n");
}

}  // namespace
}  // namespace smtp
