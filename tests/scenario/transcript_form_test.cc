#include "harness/scenario/transcript_form.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

LoadResult Load(const std::string& yaml) { return ScenarioLoader().LoadString(yaml, "t.yaml"); }

const char* kSpecTranscript = R"Y(transcript: |
  S: 220 *
  C: HELO Alice
  S: 250 *
  C: MAIL FROM:<alice@example.test>
  S: 250 *
  C: RCPT TO:<bob@example.test>
  S: 250 *
  C: DATA
  S: 354 *
  C: Subject: hi
  C:
  C: My message
  C: .
  S: 250 *
  C: QUIT
  S: 221 *
)Y";

TEST(TranscriptForm, ClientModeSpecExample) {
  auto r = Load(kSpecTranscript);
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const Scenario& s = *r.scenario;
  EXPECT_TRUE(s.from_transcript);
  EXPECT_EQ(s.transcript_pos.line, 1);
  ASSERT_EQ(s.steps.size(), 7u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kExpect);
  EXPECT_EQ(s.steps[0].expect[0].glob, "220 *");
  EXPECT_EQ(s.steps[0].pos.line, 2);
  EXPECT_EQ(s.steps[0].pos.column, 3);
  EXPECT_EQ(s.steps[1].kind, StepKind::kSend);
  EXPECT_EQ(s.steps[1].text, "HELO Alice");
  EXPECT_EQ(s.steps[1].pos.line, 3);
  EXPECT_EQ(s.steps[1].expect[0].pos.line, 4);
  EXPECT_EQ(s.steps[4].text, "DATA");
  EXPECT_EQ(s.steps[4].expect[0].glob, "354 *");
  EXPECT_EQ(s.steps[5].kind, StepKind::kDataRaw);
  EXPECT_EQ(s.steps[5].text, "Subject: hi\r\n\r\nMy message\r\n.\r\n");
  EXPECT_EQ(s.steps[5].pos.line, 11);
  EXPECT_EQ(s.steps[5].expect[0].glob, "250 *");
  EXPECT_EQ(s.steps[6].text, "QUIT");
  EXPECT_EQ(s.steps[6].expect[0].glob, "221 *");
  for (size_t i = 0; i < s.steps.size(); ++i) EXPECT_EQ(s.steps[i].index, static_cast<int>(i));
}

TEST(TranscriptForm, ServerModeSpecExample) {
  auto r = Load(std::string("mode: server\n") + kSpecTranscript);
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.steps.size(), 7u);
  EXPECT_EQ(s.steps[0].kind, StepKind::kReply);
  EXPECT_EQ(s.steps[0].text, "220 smtp-harness ESMTP ready");
  EXPECT_EQ(s.steps[1].kind, StepKind::kExpectCommand);
  EXPECT_EQ(s.steps[1].command.glob, "HELO Alice");
  EXPECT_EQ(s.steps[1].text, "250 OK");
  EXPECT_EQ(s.steps[4].text, "354 End data with <CR><LF>.<CR><LF>");
  EXPECT_EQ(s.steps[5].kind, StepKind::kExpectData);
  EXPECT_EQ(s.steps[5].data.glob, "Subject: hi\n\nMy message\n");
  EXPECT_EQ(s.steps[5].text, "250 OK");
  EXPECT_EQ(s.steps[6].command.glob, "QUIT");
  EXPECT_EQ(s.steps[6].text, "221 Bye");
}

TEST(TranscriptForm, MultiLineRepliesAndPipelines) {
  auto r = Load(R"Y(transcript: |
  S: 220 mx ESMTP
  C: EHLO x
  S: 250-mx
  S: 250-PIPELINING
  S: 250 SIZE 1000
  C: MAIL FROM:<a@b>
  C: RCPT TO:<c@d>
  C: DATA
  S: 250 *
  S: 550 *
  S: 554 *
  C: STARTTLS
  S: 220 *
  C: QUIT
)Y");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  const auto& steps = r.scenario->steps;
  ASSERT_EQ(steps.size(), 5u);
  EXPECT_EQ(steps[1].expect[0].glob, "250-mx\n250-PIPELINING\n250 SIZE 1000");
  EXPECT_EQ(steps[2].kind, StepKind::kPipeline);
  EXPECT_EQ(steps[2].lines, (std::vector<std::string>{"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}));
  ASSERT_EQ(steps[2].expect.size(), 3u);
  EXPECT_EQ(steps[2].expect[1].glob, "550 *");
  EXPECT_EQ(steps[3].kind, StepKind::kStartTls);
  EXPECT_EQ(steps[4].text, "QUIT");  // a last command without a reply
  EXPECT_TRUE(steps[4].expect.empty());
}

TEST(TranscriptForm, ServerModeDotStuffedMessageIsUnstuffed) {
  auto r = Load(R"Y(mode: server
transcript: |
  S: 220 *
  C: DATA
  S: 354 *
  C: ..leading dot
  C: .
  S: 250 queued
)Y");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  EXPECT_EQ(r.scenario->steps[2].data.glob, ".leading dot\n");
  EXPECT_EQ(r.scenario->steps[2].text, "250 queued");
}

TEST(TranscriptForm, ReportsBadAlternation) {
  auto r = Load(R"Y(transcript: |
  S: 220 *
  S: 250 *
  C: MAIL FROM:<a@b>
  C: RCPT TO:<c@d>
  S: 250 *
  C: DATA
  S: 354 *
  C: hello
  S: 250 *
  X: what
)Y");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(),
            "t.yaml:3:3: transcript: reply with no command before it (each S: reply after the "
            "greeting answers a C: line)\n"
            "t.yaml:7:3: transcript: 2 commands sent together (from line 4) but only 1 reply "
            "follows them\n"
            "t.yaml:10:3: transcript: server reply inside the message that started at line 9 "
            "(end the message with 'C: .')\n"
            "t.yaml:11:3: transcript: line must start with 'C:' or 'S:', got 'X: what'");
}

TEST(TranscriptForm, UnterminatedMessage) {
  auto r = Load("transcript: |\n  S: 220 *\n  C: DATA\n  S: 354 *\n  C: body\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.ErrorText(),
            "t.yaml:5:3: transcript: the message that starts here is not ended by 'C: .'");
}

TEST(TranscriptForm, SplitSkipsBlankAndCommentLines) {
  Diagnostics diag("x");
  auto lines = SplitTranscript(
      "# comment\n\nC: A\n  S:250 ok\n",
      [](int i) {
        return SourcePos{i + 1, 1};
      },
      diag);
  ASSERT_TRUE(diag.empty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].dir, 'C');
  EXPECT_EQ(lines[0].pos.line, 3);
  EXPECT_EQ(lines[1].text, "250 ok");
}

}  // namespace
}  // namespace smtp
