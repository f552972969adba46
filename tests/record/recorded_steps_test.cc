#include "harness/record/recorded_steps.h"

#include <gtest/gtest.h>

#include "harness/record/recorded_scenario.h"
#include "harness/scenario/scenario_loader.h"
#include "harness/scenario/var_expander.h"

namespace smtp {
namespace {

Transcript BdatSession() {
  return {{0, 'S', "220 mx.example.test ESMTP"},
          {0, 'C', "EHLO [127.0.0.1]"},
          {0, 'S', "250-mx.example.test"},
          {0, 'S', "250 CHUNKING"},
          {0, 'C', "MAIL FROM:<a@example.test>"},
          {0, 'S', "250 2.1.0 Ok"},
          {0, 'C', "RCPT TO:<b@example.test>"},
          {0, 'S', "250 2.1.5 Ok"},
          {0, 'C', "BDAT 12"},
          {0, 'B', "Subject: $5\r\n"},
          {0, 'S', "250 2.0.0 12 octets received"},
          {0, 'C', "BDAT 4 LAST"},
          {0, 'B', std::string("a\0\"\n", 4)},
          {0, 'S', "250 2.0.0 Ok: queued as 4XbZ1q0Kk2z"},
          {0, '*', "a note"},
          {0, 'C', "QUIT"},
          {0, 'S', "221 2.0.0 Bye"}};
}

LoadResult Load(const std::string& yaml) { return ScenarioLoader().LoadString(yaml, "rec.yaml"); }

std::string Expanded(const std::string& text) {
  auto r = Expand(text, VarMap{});
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : "";
}

TEST(RecordedStepsTest, ABdatChunkIsOneSendRawWithItsCommand) {
  std::string yaml = WriteRecordedSteps(BdatSession(), GeneraliseLevel::kVolatile);
  EXPECT_EQ(yaml,
            "steps:\n"
            "  - expect: {glob: \"220 * ESMTP\"}\n"
            "  - send: \"EHLO [127.0.0.1]\"\n"
            "    expect: {glob: \"250 *\"}\n"
            "  - send: \"MAIL FROM:<a@example.test>\"\n"
            "    expect: {glob: \"250 2.1.0 Ok\"}\n"
            "  - send: \"RCPT TO:<b@example.test>\"\n"
            "    expect: {glob: \"250 2.1.5 Ok\"}\n"
            "  - send_raw: \"BDAT 12\\r\\nSubject: $$5\\r\\n\"\n"
            "    expect: {glob: \"250 2.0.0 * octets received\"}\n"
            "  - send_raw: \"BDAT 4 LAST\\r\\na\\x00\\\"\\n\"\n"
            "    expect: {glob: \"250 2.0.0 Ok: queued as *\"}\n"
            "  # a note\n"
            "  - send: \"QUIT\"\n"
            "    expect: {glob: \"221 2.0.0 Bye\"}\n");
}

TEST(RecordedStepsTest, TheScenarioLoadsAndSendsTheExactOctets) {
  std::string yaml =
      WriteRecordedScenario(BdatSession(), {"rec", "from test", GeneraliseLevel::kVolatile});
  EXPECT_NE(yaml.find("# The session used BDAT"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("transcript:"), std::string::npos) << yaml;
  auto r = Load(yaml);
  ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
  const auto& steps = r.scenario->steps;
  ASSERT_EQ(steps.size(), 7u) << yaml;
  EXPECT_EQ(steps[0].kind, StepKind::kExpect);
  EXPECT_EQ(steps[4].kind, StepKind::kSendRaw);
  EXPECT_EQ(Expanded(steps[4].text), "BDAT 12\r\nSubject: $5\r\n");
  EXPECT_EQ(Expanded(steps[5].text), std::string("BDAT 4 LAST\r\na\0\"\n", 17));
  ASSERT_EQ(steps[5].expect.size(), 1u);
  EXPECT_EQ(steps[5].expect[0].glob, "250 2.0.0 Ok: queued as *");
}

TEST(RecordedStepsTest, ASessionWithoutBdatStaysInTranscriptForm) {
  Transcript t = {{0, 'S', "220 x"}, {0, 'C', "QUIT"}, {0, 'S', "221 bye"}};
  EXPECT_NE(WriteRecordedScenario(t, {"rec", "", GeneraliseLevel::kExact}).find("transcript: |"),
            std::string::npos);
}

TEST(RecordedStepsTest, PipelinedCommandsAreOneWriteThenOneExpectPerReply) {
  Transcript t = {{0, 'S', "220 x"},
                  {0, 'C', "MAIL FROM:<a@b>"},
                  {0, 'C', "RCPT TO:<c@d>"},
                  {0, 'C', "DATA"},
                  {0, 'S', "250 ok"},
                  {0, 'S', "250 ok"},
                  {0, 'S', "354 go"},
                  {0, 'C', "hello"},
                  {0, 'C', "."},
                  {0, 'S', "250 queued"},
                  {0, 'C', "BDAT 1 LAST"},
                  {0, 'B', "z"},
                  {0, 'S', "503 no"},
                  {0, 'C', "QUIT"}};  // no reply: interrupted
  std::string yaml = WriteRecordedSteps(t, GeneraliseLevel::kExact);
  EXPECT_EQ(yaml,
            "steps:\n"
            "  - expect: {glob: \"220 x\"}\n"
            "  - send_raw: \"MAIL FROM:<a@b>\\r\\nRCPT TO:<c@d>\\r\\nDATA\\r\\n\"\n"
            "  - expect: {glob: \"250 ok\"}\n"
            "  - expect: {glob: \"250 ok\"}\n"
            "  - expect: {glob: \"354 go\"}\n"
            "  - data_raw: \"hello\\r\\n.\\r\\n\"\n"
            "    expect: {glob: \"250 queued\"}\n"
            "  - send_raw: \"BDAT 1 LAST\\r\\nz\"\n"
            "    expect: {glob: \"503 no\"}\n"
            "  - send: \"QUIT\"\n");
  auto r = Load("name: p\n" + yaml);
  ASSERT_TRUE(r.ok()) << r.ErrorText() << yaml;
  EXPECT_EQ(r.scenario->steps.size(), 8u);
}

TEST(RecordedStepsTest, AMessageCutOffIsLeftOutWithANote) {
  Transcript t = {{0, 'S', "220 x"}, {0, 'C', "BDAT 1"}, {0, 'B', "z"},   {0, 'S', "250 ok"},
                  {0, 'C', "DATA"},  {0, 'S', "354 go"}, {0, 'C', "part"}};
  std::string yaml = WriteRecordedSteps(t, GeneraliseLevel::kExact);
  EXPECT_NE(yaml.find("  # the session ended inside a message: its 1 line(s) without the final "
                      "dot are left out\n"),
            std::string::npos)
      << yaml;
  EXPECT_TRUE(Load("name: p\n" + yaml).ok()) << yaml;
}

TEST(RecordedStepsTest, QuotedBytesKeepUtf8AndReplaceWhatYamlCannotHold) {
  size_t replaced = 0;
  EXPECT_EQ(YamlQuotedBytes("caf\xC3\xA9 \x01\x7F\t\\", &replaced),
            "\"caf\xC3\xA9 \\x01\\x7F\\t\\\\\"");
  EXPECT_EQ(replaced, 0u);
  EXPECT_EQ(YamlQuotedBytes("a\xFF"
                            "b\xC3",
                            &replaced),
            "\"a?b?\"");
  EXPECT_EQ(replaced, 2u);
  EXPECT_EQ(YamlQuotedBytes("\xED\xA0\x80", &replaced), "\"???\"");  // a UTF-16 surrogate
}

}  // namespace
}  // namespace smtp
