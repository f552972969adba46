#include "harness/load/load_plan.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

Scenario Load(const std::string& yaml) {
  auto r = ScenarioLoader().LoadString(yaml, "s.yaml");
  EXPECT_TRUE(r.ok()) << r.ErrorText();
  return *r.scenario;
}

const char* kBasic = R"(
vars: {from: a@example.test}
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: {code: 250, ext: [PIPELINING]}
  - send: MAIL FROM:<${from}>
    expect: 250
  - send: RCPT TO:<b@example.test>
    expect: 250
  - send: DATA
    expect: 354
  - data: "Subject: x\n\n.dot\n"
    expect: 250
  - send: QUIT
    expect: 221
)";

TEST(LoadPlanTest, CompilesStepsIntoWritesAndExpectations) {
  auto plan = BuildLoadPlan(Load(kBasic), {}, std::chrono::seconds(5), false);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->ops.size(), 13u);
  EXPECT_EQ(plan->ops[0].kind, LoadOp::Kind::kExpect);
  EXPECT_EQ(plan->ops[1].bytes, "EHLO 127.0.0.1\r\n");
  EXPECT_TRUE(plan->ops[2].ehlo_reply);
  EXPECT_EQ(plan->ops[3].bytes, "MAIL FROM:<a@example.test>\r\n");  // expanded once, up front
  EXPECT_FALSE(plan->ops[3].expand);
  EXPECT_EQ(plan->ops[9].bytes, "Subject: x\r\n\r\n..dot\r\n.\r\n");
  EXPECT_TRUE(plan->ops[10].message_reply);
  EXPECT_TRUE(plan->ops[9].step_first);
  EXPECT_TRUE(plan->ops[10].step_last);
  EXPECT_EQ(plan->ops[10].step, 5);
  EXPECT_EQ(plan->step_labels[2], "send MAIL FROM:<${from}>");
}

TEST(LoadPlanTest, ReuseRepeatsTheStepsBetweenEhloAndQuit) {
  auto plan = BuildLoadPlan(Load(kBasic), {}, std::chrono::seconds(5), true);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->tx_begin, 3u);  // after greeting + EHLO
  EXPECT_EQ(plan->tx_end, 11u);   // before QUIT
  EXPECT_EQ(plan->ops[plan->tx_end].bytes, "QUIT\r\n");
}

TEST(LoadPlanTest, ReuseWithoutATransactionIsAUsageError) {
  auto plan = BuildLoadPlan(Load("steps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n"), {},
                            std::chrono::seconds(5), true);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().message(),
            "s.yaml: --reuse needs steps between the greeting/EHLO and QUIT to repeat");
}

TEST(LoadPlanTest, CapturedVariablesAreExpandedPerSession) {
  auto plan = BuildLoadPlan(Load(R"Y(
steps:
  - expect: {code: 220, capture: {host: "^(\\S+)"}}
  - send: HELO ${host}
    expect: 250
)Y"),
                            {}, std::chrono::seconds(5), false);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_TRUE(plan->has_captures);
  EXPECT_TRUE(plan->ops[1].expand);
  EXPECT_EQ(plan->ops[1].bytes, "HELO ${host}");
  EXPECT_EQ(EncodeLoadBytes(plan->ops[1].encode, "HELO x"), "HELO x\r\n");
}

TEST(LoadPlanTest, MailShorthandExpandsToTheTransaction) {
  auto plan = BuildLoadPlan(Load(R"(
steps:
  - expect: 220
  - mail: {from: a@example.test, to: [b@example.test, c@example.test], data: "hi"}
)"),
                            {}, std::chrono::seconds(5), false);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->ops.size(), 11u);
  EXPECT_EQ(plan->ops[5].bytes, "RCPT TO:<c@example.test>\r\n");
  EXPECT_EQ(plan->ops[9].bytes, "hi\r\n.\r\n");
  EXPECT_TRUE(plan->ops[10].message_reply);
}

}  // namespace
}  // namespace smtp
