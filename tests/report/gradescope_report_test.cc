#include "harness/report/gradescope_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/report/report_fixtures.h"

namespace smtp {
namespace {

using nlohmann::json;

TEST(GradescopeReport, OneTestPerScenarioWithoutPoints) {
  json j = json::parse(RenderGradescopeReport(testing::SampleRun()));
  ASSERT_EQ(j["tests"].size(), 3u);
  EXPECT_EQ(j["tests"][0]["name"], "basic_send");
  EXPECT_EQ(j["tests"][0]["score"], 1.0);
  EXPECT_EQ(j["tests"][0]["max_score"], 1.0);
  EXPECT_EQ(j["tests"][0]["status"], "passed");
  EXPECT_EQ(j["tests"][0]["visibility"], "visible");
  EXPECT_EQ(j["tests"][1]["score"], 0.0);
  EXPECT_EQ(j["tests"][1]["status"], "failed");
  EXPECT_NE(j["tests"][1]["output"].get<std::string>().find("expected: 250"), std::string::npos);
  EXPECT_EQ(j["score"], 1.0);
}

// A scenario skipped because the server lacks what it `requires:` is not a
// failure: it is worth nothing either way (issue 14, item 16).
TEST(GradescopeReport, SkipsAreNotFailures) {
  json j = json::parse(RenderGradescopeReport(testing::SampleRun()));
  ASSERT_EQ(j["tests"].size(), 3u);
  EXPECT_EQ(j["tests"][2]["name"], "chunking (skipped)");
  EXPECT_EQ(j["tests"][2]["status"], "passed");
  EXPECT_EQ(j["tests"][2]["score"], 0.0);
  EXPECT_EQ(j["tests"][2]["max_score"], 0.0);
  EXPECT_NE(
      j["tests"][2]["output"].get<std::string>().find("skipped: server did not advertise CHUNKING"),
      std::string::npos);
  EXPECT_EQ(j["score"], 1.0);
}

TEST(GradescopeReport, ScoresRoundedToTwoDecimals) {
  RunResult run;
  ScenarioResult sc = testing::PassedScenario();
  sc.steps.clear();
  for (int i = 0; i < 7; ++i) {
    StepResult st;
    st.index = i;
    st.kind = "expect";
    st.status = Verdict::kPassed;
    st.points = 10.0 / 7.0;
    sc.steps.push_back(st);
  }
  run.scenarios = {sc};
  std::string text = RenderGradescopeReport(run);
  EXPECT_EQ(text.find("1.4285714"), std::string::npos) << text;
  json j = json::parse(text);
  EXPECT_EQ(j["tests"][0]["score"], 1.43);
  EXPECT_EQ(j["tests"][0]["max_score"], 1.43);
  EXPECT_EQ(j["score"], 10.0);
}

TEST(GradescopeReport, StepPointsBecomeTests) {
  RunResult run;
  ScenarioResult sc = testing::FailedScenario();
  sc.steps[0].points = 2;
  sc.steps[0].points_earned = 2;
  sc.steps[1].points = 3;
  sc.steps[1].points_earned = 0;
  sc.steps[1].name = "RCPT accepted";
  run.scenarios = {sc};
  json j = json::parse(RenderGradescopeReport(run));
  ASSERT_EQ(j["tests"].size(), 2u);
  EXPECT_EQ(j["tests"][0]["name"], "reject <rcpt> & co: step 0 (expect)");
  EXPECT_EQ(j["tests"][0]["score"], 2.0);
  EXPECT_EQ(j["tests"][1]["name"], "reject <rcpt> & co: RCPT accepted");
  EXPECT_EQ(j["tests"][1]["max_score"], 3.0);
  EXPECT_EQ(j["tests"][1]["status"], "failed");
  EXPECT_EQ(j["score"], 2.0);
}

TEST(GradescopeReport, ClientOutputShownOnceAboveTheTestsAndCapped) {
  RunResult run;
  ScenarioResult sc = testing::FailedScenario();
  sc.steps[0].points = 1;
  sc.steps[1].points = 1;
  sc.client = ClientProcessResult{};
  sc.client->stdout_text = std::string(20000, 'x');
  run.scenarios = {sc};
  json j = json::parse(RenderGradescopeReport(run));
  const std::string overall = j["output"].get<std::string>();
  EXPECT_NE(overall.find("[... 11808 more bytes not shown]"), std::string::npos);
  EXPECT_EQ(overall.find(std::string(8193, 'x')), std::string::npos);
  for (const auto& t : j["tests"]) {
    EXPECT_EQ(t["output"].get<std::string>().find("xxxx"), std::string::npos);
  }
}

TEST(GradescopeReport, ScenarioScoreOverridesDefault) {
  RunResult run;
  ScenarioResult sc = testing::FailedScenario();
  sc.score = 4;
  sc.max_score = 10;
  run.scenarios = {sc};
  json j = json::parse(RenderGradescopeReport(run));
  EXPECT_EQ(j["tests"][0]["score"], 4.0);
  EXPECT_EQ(j["tests"][0]["max_score"], 10.0);
  EXPECT_EQ(j["score"], 4.0);
}

}  // namespace
}  // namespace smtp
