#include "harness/scenario/transcript_writer.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

Transcript Observed() {
  return {{0, 'S', "220 mx.example.test ESMTP"},
          {0, 'C', "HELO ${client}"},
          {0, 'S', "250 mx"},
          {0, 'C', "DATA"},
          {0, 'S', "354 go ahead"},
          {0, 'C', "Subject: x"},
          {0, 'C', ""},
          {0, 'C', "body"},
          {0, 'C', "."},
          {0, 'S', "250 queued"},
          {0, '*', "connection closed"}};
}

TEST(TranscriptWriter, WritesCAndSLines) {
  EXPECT_EQ(
      WriteTranscriptForm(Observed()),
      "S: 220 mx.example.test ESMTP\nC: HELO $${client}\nS: 250 mx\nC: DATA\nS: 354 go ahead\n"
      "C: Subject: x\nC:\nC: body\nC: .\nS: 250 queued\n");
}

TEST(TranscriptWriter, ReplacesTheBlockAndKeepsTheRest) {
  const std::string yaml =
      "name: t  # keep me\n"
      "transcript: |\n"
      "    S: 220 *\n"
      "\n"
      "    C: QUIT\n"
      "tags: [x]\n";
  auto out = ReplaceTranscriptBlock(yaml, "S: 220 a\nC: QUIT\nS: 221 b\n");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out,
            "name: t  # keep me\n"
            "transcript: |\n"
            "    S: 220 a\n"
            "    C: QUIT\n"
            "    S: 221 b\n"
            "tags: [x]\n");
}

TEST(TranscriptWriter, RoundTripsThroughTheLoader) {
  const std::string yaml = "transcript: |\n  S: 220 *\n";
  auto out = ReplaceTranscriptBlock(yaml, WriteTranscriptForm(Observed()));
  ASSERT_TRUE(out.ok()) << out.status().message();
  auto r = ScenarioLoader().LoadString(*out, "t.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText() << "\n" << *out;
  const auto& steps = r.scenario->steps;
  ASSERT_EQ(steps.size(), 4u);
  EXPECT_EQ(steps[0].expect[0].glob, "220 mx.example.test ESMTP");
  EXPECT_EQ(steps[1].text, "HELO $${client}");  // sent as "HELO ${client}"
  EXPECT_EQ(steps[3].kind, StepKind::kDataRaw);
  EXPECT_EQ(steps[3].text, "Subject: x\r\n\r\nbody\r\n.\r\n");
  EXPECT_EQ(steps[3].expect[0].glob, "250 queued");
}

// An empty block takes the usual two-space indent, not the indent of the
// key after it (which would put the lines outside the block).
TEST(TranscriptWriter, FillsAnEmptyBlock) {
  auto block = FindTranscriptBlock("name: t\ntranscript: |\ntags: [x]\n");
  ASSERT_TRUE(block.ok()) << block.status().message();
  EXPECT_EQ(block->first, 2u);
  EXPECT_EQ(block->last, 2u);
  EXPECT_EQ(block->indent, 2u);
  auto out = ReplaceTranscriptBlock("name: t\ntranscript: |\ntags: [x]\n", "S: 220 a\nC: QUIT\n");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "name: t\ntranscript: |\n  S: 220 a\n  C: QUIT\ntags: [x]\n");
}

TEST(TranscriptWriter, RefusesWithoutLiteralBlock) {
  EXPECT_EQ(ReplaceTranscriptBlock("steps: [{expect: 220}]\n", "S: 220 x\n").status().message(),
            "the scenario has no 'transcript:' to rewrite");
  EXPECT_EQ(ReplaceTranscriptBlock("transcript: \"S: 220 x\"\n", "S: 220 x\n").status().message(),
            "only a literal block transcript ('transcript: |') can be rewritten");
}

}  // namespace
}  // namespace smtp
