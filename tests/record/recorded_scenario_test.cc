#include "harness/record/recorded_scenario.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

Transcript Session() {
  return {{0, 'S', "220 mx.example.test ESMTP Postfix"},
          {0, 'C', "EHLO [127.0.0.1]"},
          {0, 'S', "250-mx.example.test"},
          {0, 'S', "250-PIPELINING"},
          {0, 'S', "250 8BITMIME"},
          {0, 'C', "MAIL FROM:<a@example.test>"},
          {0, 'S', "250 2.1.0 Ok"},
          {0, 'C', "RCPT TO:<b@example.test>"},
          {0, 'S', "250 2.1.5 Ok"},
          {0, 'C', "DATA"},
          {0, 'S', "354 End data with <CR><LF>.<CR><LF>"},
          {0, 'C', "Subject: costs $5"},
          {0, 'C', ""},
          {0, 'C', "..leading dot"},
          {0, 'C', "."},
          {0, 'S', "250 2.0.0 Ok: queued as 4XbZ1q0Kk2z"},
          {0, '*', "a note"},
          {0, 'C', "QUIT"},
          {0, 'S', "221 2.0.0 Bye"}};
}

TEST(RecordedScenarioTest, WritesGeneralisedTranscript) {
  std::string yaml =
      WriteRecordedScenario(Session(), {"rec", "from test", GeneraliseLevel::kVolatile});
  EXPECT_EQ(yaml,
            "# Recorded by smtp-harness record; replay with `smtp-harness run`.\n"
            "name: \"rec\"\n"
            "description: \"from test\"\n"
            "transcript: |\n"
            "  S: 220 * ESMTP Postfix\n"
            "  C: EHLO [127.0.0.1]\n"
            "  S: 250 *\n"
            "  C: MAIL FROM:<a@example.test>\n"
            "  S: 250 2.1.0 Ok\n"
            "  C: RCPT TO:<b@example.test>\n"
            "  S: 250 2.1.5 Ok\n"
            "  C: DATA\n"
            "  S: 354 End data with <CR><LF>.<CR><LF>\n"
            "  C: Subject: costs $$5\n"
            "  C:\n"
            "  C: ..leading dot\n"
            "  C: .\n"
            "  S: 250 2.0.0 Ok: queued as *\n"
            "  # a note\n"
            "  C: QUIT\n"
            "  S: 221 2.0.0 Bye\n");
}

TEST(RecordedScenarioTest, OutputLoadsAsAValidClientScenario) {
  for (auto level : {GeneraliseLevel::kExact, GeneraliseLevel::kVolatile, GeneraliseLevel::kCode}) {
    std::string yaml = WriteRecordedScenario(Session(), {"rec", "", level});
    auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
    ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
    EXPECT_TRUE(r.scenario->from_transcript);
    EXPECT_EQ(r.scenario->name, "rec");
    EXPECT_GE(r.scenario->steps.size(), 7u);
  }
}

TEST(RecordedScenarioTest, OutputAlsoLoadsAsAServerModeScenarioForGrading) {
  std::string yaml = WriteRecordedScenario(Session(), {"rec", "", GeneraliseLevel::kVolatile});
  RecordedScenarioInfo info{"rec", "", GeneraliseLevel::kVolatile};
  info.server_mode = true;
  yaml = WriteRecordedScenario(Session(), info);
  EXPECT_NE(yaml.find("\nmode: server\ntranscript: |\n  S: 220 mx.example.test ESMTP Postfix\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  S: 250-mx.example.test\n  S: 250-PIPELINING\n  S: 250 8BITMIME\n"),
            std::string::npos)
      << yaml;
  auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
  EXPECT_EQ(r.scenario->mode, ScenarioMode::kServer);
  ASSERT_FALSE(r.scenario->steps.empty());
  EXPECT_EQ(r.scenario->steps.front().kind, StepKind::kReply);
}

TEST(RecordedScenarioTest, AMessageCutOffByAnInterruptionBecomesANoteSoTheFileLoads) {
  Transcript t = {{0, 'S', "220 x"},
                  {0, 'C', "DATA"},
                  {0, 'S', "354 go"},
                  {0, 'C', "Subject: half"},
                  {0, 'C', ""},
                  {0, '*', "recording interrupted: SIGINT; both connections were closed here"}};
  std::string yaml = WriteRecordedScenario(t, {"rec", "", GeneraliseLevel::kExact});
  EXPECT_NE(yaml.find("  S: 220 x\n  C: DATA\n"
                      "  # recording interrupted: SIGINT; both connections were closed here\n"
                      "  # the session ended inside a message: the 354 reply and the 2 message "
                      "line(s) after it, without the final dot, are left out\n"),
            std::string::npos)
      << yaml;
  EXPECT_EQ(yaml.find("half"), std::string::npos) << yaml;
  auto r = ScenarioLoader().LoadString(yaml, "rec.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText() << yaml;
}

TEST(RecordedScenarioTest, AFinishedMessageIsKept) {
  Transcript t = {{0, 'S', "220 x"}, {0, 'C', "DATA"}, {0, 'S', "354 go"},
                  {0, 'C', "body"},  {0, 'C', "."},    {0, 'S', "250 ok"}};
  std::string yaml = WriteRecordedScenario(t, {"rec", "", GeneraliseLevel::kExact});
  EXPECT_NE(yaml.find("  C: body\n  C: .\n  S: 250 ok\n"), std::string::npos) << yaml;
}

TEST(RecordedScenarioTest, ServerModeLeavesABdatChunkOutWithANote) {
  Transcript t = {{0, 'S', "220 x"},  {0, 'C', "BDAT 3 LAST"}, {0, 'B', "abc"},
                  {0, 'S', "250 ok"}, {0, 'C', "QUIT"},        {0, 'S', "221 bye"}};
  RecordedScenarioInfo info{"rec", "", GeneraliseLevel::kExact};
  info.server_mode = true;
  std::string yaml = WriteRecordedScenario(t, info);
  EXPECT_NE(yaml.find("  C: BDAT 3 LAST\n"
                      "  # a BDAT chunk of 3 octets, left out: server mode cannot replay BDAT\n"
                      "  S: 250 ok\n"),
            std::string::npos)
      << yaml;
}

}  // namespace
}  // namespace smtp
