#include "harness/report/text_report.h"

#include <gtest/gtest.h>

#include "harness/report/conformance.h"
#include "tests/report/report_fixtures.h"

namespace smtp {
namespace {

TEST(TextReport, ScenarioLines) {
  TextStyle plain;
  EXPECT_EQ(ScenarioLine(testing::PassedScenario(), plain), "\xE2\x9C\x93 basic_send  3.1ms\n");
  EXPECT_EQ(ScenarioLine(testing::FailedScenario(), plain),
            "\xE2\x9C\x97 reject <rcpt> & co  4.5ms\n");
  EXPECT_EQ(ScenarioLine(testing::SkippedScenario(), plain),
            "- chunking  0.0ms  skipped: server did not advertise CHUNKING\n");
  TextStyle color;
  color.color = true;
  EXPECT_EQ(ScenarioLine(testing::PassedScenario(), color),
            "\033[32m\xE2\x9C\x93\033[0m basic_send\033[2m  3.1ms\033[0m\n");
}

TEST(TextReport, FailureDetailsNameStepLineExpectedActualAndTranscript) {
  std::string d = ScenarioDetails(testing::FailedScenario(), TextStyle{});
  EXPECT_NE(d.find("FAILED reject <rcpt> & co (scenarios/sub/reject.yaml)\n"), std::string::npos)
      << d;
  EXPECT_NE(d.find("  scenarios/sub/reject.yaml:7: step 1 (send): expected 250, got 550"),
            std::string::npos)
      << d;
  EXPECT_NE(d.find("  expected: 250\n  actual:   550 5.1.1 No such user\n"), std::string::npos)
      << d;
  EXPECT_NE(d.find("S: 550 5.1.1 No such user\n"), std::string::npos) << d;
  EXPECT_NE(d.find("C: bare\\rCR\\x01\n"), std::string::npos) << d;
  EXPECT_EQ(ScenarioDetails(testing::PassedScenario(), TextStyle{}), "");
  TextStyle verbose;
  verbose.verbose = true;
  EXPECT_NE(ScenarioDetails(testing::PassedScenario(), verbose).find("C: EHLO x"),
            std::string::npos);
}

// A hostile server's 1 MiB reply: the terminal shows the verdict and a
// bounded piece of the reply, not a megabyte (the JSON report keeps more).
// A hostile server's reply (or a graded client's stderr) quoted in a failure
// message must not reach the terminal as escape sequences: ESC, BEL, CR
// are shown escaped, as in the transcript.
TEST(TextReport, NoControlBytesFromPeersReachTheTerminal) {
  ScenarioResult sc = testing::FailedScenario();
  sc.failure->message = "x.yaml:6: step 2 (send): expected 250, got 221 \x1b]0;pwned\x07\x1b[2J\rz";
  sc.steps[1].optional_mismatch = true;
  sc.steps[1].message = "got \x1b[31mred";
  sc.steps[1].name = "named \x1b[1m";
  sc.failure->step = 1;
  sc.client = ClientProcessResult{};
  sc.client->stderr_text = "oops\x1b[2J\n";
  std::string d = ScenarioDetails(sc, TextStyle{});
  EXPECT_EQ(d.find('\x1b'), std::string::npos) << d;
  EXPECT_EQ(d.find('\x07'), std::string::npos) << d;
  EXPECT_EQ(d.find('\r'), std::string::npos) << d;
  EXPECT_NE(d.find("got 221 \\x1b]0;pwned\\x07\\x1b[2J\\rz"), std::string::npos) << d;
  EXPECT_EQ(TerminalText("a\x1b[2J\nb\tc"), "a\\x1b[2J\nb\tc");
}

TEST(TextReport, HugeRepliesAreClippedOnTheTerminal) {
  ScenarioResult sc = testing::FailedScenario();
  std::string reply;
  for (int i = 0; i < 17; ++i) reply += "250-" + std::string(60000, 'x') + "\n";
  reply += "250 end";
  sc.failure->message = "t.yaml:3: step 1 (send): expected 550, got " + reply;
  sc.failure->actual = reply;
  sc.transcript.push_back({1.0, 'S', "250-" + std::string(60000, 'y'), 1});
  std::string d = ScenarioDetails(sc, TextStyle{});
  EXPECT_LT(d.size(), 40000u) << d.size();
  EXPECT_NE(d.find("t.yaml:3: step 1 (send): expected 550, got 250-xxx"), std::string::npos);
  EXPECT_NE(d.find("... (59004 more bytes)"), std::string::npos) << d.substr(0, 2000);
  EXPECT_NE(d.find("... (6 more lines not shown; the JSON report has them)"), std::string::npos);
  EXPECT_NE(d.find("S: 250-yyy"), std::string::npos);
  // A line SMTP allows (1000 octets) shows whole.
  sc.failure->actual = std::string(1000, 'z');
  EXPECT_NE(ScenarioDetails(sc, TextStyle{}).find(std::string(1000, 'z') + "\n"),
            std::string::npos);
}

TEST(TextReport, SummaryLineStartsWithPassedFailed) {
  RunResult run = testing::SampleRun();
  EXPECT_EQ(SummaryLine(run, TextStyle{}), "1 passed, 1 failed, 0 errors, 1 skipped in 12ms\n");
  run.interrupted = true;
  EXPECT_EQ(SummaryLine(run, TextStyle{}),
            "1 passed, 1 failed, 0 errors, 1 skipped in 12ms, interrupted\n");
}

TEST(TextReport, ConformanceByRfcSection) {
  std::string c = ConformanceText(testing::SampleRun(), TextStyle{});
  EXPECT_EQ(c,
            "Conformance by RFC section:\n"
            "  RFC 3030: 0 passed, 0 failed, 0 errors, 1 skipped\n"
            "    (whole RFC): 0 passed, 0 failed, 0 errors, 1 skipped\n"
            "  RFC 5321: 1 passed, 1 failed, 0 errors, 0 skipped\n"
            "    \xC2\xA7"
            "4.1.1.1: 1 passed, 0 failed, 0 errors, 0 skipped\n"
            "    \xC2\xA7"
            "4.1.4: 1 passed, 1 failed, 0 errors, 0 skipped  (reject <rcpt> & co)\n");
  RunResult none;
  EXPECT_EQ(ConformanceText(none, TextStyle{}), "");
}

TEST(Conformance, SplitsReferences) {
  EXPECT_EQ(SplitRfcReference("5321 4.1.4"),
            std::make_pair(std::string("5321"), std::string("4.1.4")));
  EXPECT_EQ(SplitRfcReference("RFC 5321 \xC2\xA7"
                              "4.5.3.1"),
            std::make_pair(std::string("5321"), std::string("4.5.3.1")));
  EXPECT_EQ(SplitRfcReference("2920"), std::make_pair(std::string("2920"), std::string("")));
}

TEST(Conformance, SectionsInNumericOrder) {
  RunResult run;
  for (const char* ref : {"5321 4.1.10", "5321 4.1.9", "5321 2"}) {
    ScenarioResult sc;
    sc.name = ref;
    sc.status = Verdict::kPassed;
    sc.rfc = {ref};
    run.scenarios.push_back(sc);
  }
  auto r = SummarizeConformance(run);
  ASSERT_EQ(r.size(), 1u);
  ASSERT_EQ(r[0].sections.size(), 3u);
  EXPECT_EQ(r[0].sections[0].section, "2");
  EXPECT_EQ(r[0].sections[1].section, "4.1.9");
  EXPECT_EQ(r[0].sections[2].section, "4.1.10");
  EXPECT_EQ(r[0].counts.passed, 3);
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

TEST(TextReport, ActualIsNotEscapedTwiceAndMultiLineRepliesAlign) {
  ScenarioResult sc = testing::FailedScenario();
  sc.failure->actual = "HELO 127.0.0.1\\n";  // server mode: already escaped bytes
  std::string d = ScenarioDetails(sc, TextStyle{});
  EXPECT_NE(d.find("  actual:   HELO 127.0.0.1\\n\n"), std::string::npos) << d;
  sc.failure->actual = "250-first\n250 last\rX";
  d = ScenarioDetails(sc, TextStyle{});
  EXPECT_NE(d.find("  actual:   250-first\n            250 last\\rX\n"), std::string::npos) << d;
}

}  // namespace
}  // namespace smtp
