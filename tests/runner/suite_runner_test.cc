#include "harness/runner/suite_runner.h"

#include <gtest/gtest.h>

#include "harness/scenario/scenario_loader.h"
#include "tests/runner/in_memory_connection.h"

namespace smtp {
namespace {

// Name(i) trips a GCC 12 -Wrestrict false positive.
std::string Name(int i) {
  std::string s = "s";
  s += std::to_string(i);
  return s;
}

std::vector<Scenario> Suite(int n, int failing) {
  std::vector<Scenario> out;
  for (int i = 0; i < n; ++i) {
    std::string yaml =
        "name: s" + std::to_string(i) +
        "\nsteps:\n  - expect: 220\n  - send: NOOP\n    expect: " + (i == failing ? "550" : "250") +
        "\n";
    auto r = ScenarioLoader().LoadString(yaml, Name(i) + ".yaml");
    EXPECT_TRUE(r.ok()) << r.ErrorText();
    out.push_back(*r.scenario);
  }
  return out;
}

TEST(SuiteRunner, ParallelResultsInFileOrder) {
  auto suite = Suite(12, 5);
  auto env = testing::InMemoryEnvPerConnection(testing::ScriptedServer{});
  RunOptions serial;
  RunOptions parallel;
  parallel.jobs = 4;
  std::vector<std::string> order;
  SuiteHooks hooks;
  hooks.on_result = [&](const ScenarioResult& r) { order.push_back(r.name); };
  RunResult a = RunSuite(suite, serial, env);
  RunResult b = RunSuite(suite, parallel, env, hooks);
  ASSERT_EQ(a.scenarios.size(), 12u);
  ASSERT_EQ(b.scenarios.size(), 12u);
  for (size_t i = 0; i < 12; ++i) {
    EXPECT_EQ(b.scenarios[i].name, Name(i));
    EXPECT_EQ(order[i], Name(i));
    EXPECT_EQ(a.scenarios[i].status, b.scenarios[i].status);
  }
  EXPECT_EQ(b.Summarize().failed, 1);
  EXPECT_EQ(b.scenarios[5].failure->step, 1);
  EXPECT_FALSE(b.started_at.empty());
}

TEST(SuiteRunner, FailFastAndCancel) {
  auto suite = Suite(6, 2);
  auto env = testing::InMemoryEnvPerConnection(testing::ScriptedServer{});
  RunOptions opt;
  opt.fail_fast = true;
  std::vector<std::string> reported;
  SuiteHooks hooks;
  hooks.on_result = [&](const ScenarioResult& s) {
    reported.push_back(s.name + " " + VerdictName(s.status));
  };
  RunResult r = RunSuite(suite, opt, env, hooks);
  // The scenarios after the failure are reported as not run, in order.
  ASSERT_EQ(r.scenarios.size(), 6u);
  EXPECT_EQ(r.scenarios[2].status, Verdict::kFailed);
  for (size_t i = 3; i < 6; ++i) {
    EXPECT_EQ(r.scenarios[i].status, Verdict::kNotRun);
    EXPECT_EQ(r.scenarios[i].name, Name(static_cast<int>(i)));
    EXPECT_EQ(r.scenarios[i].file, Name(static_cast<int>(i)) + ".yaml");
    EXPECT_EQ(r.scenarios[i].target, "fake");
    EXPECT_EQ(r.scenarios[i].skip_reason, "not run: --fail-fast stopped the run after a failure");
  }
  EXPECT_EQ(reported, (std::vector<std::string>{"s0 passed", "s1 passed", "s2 failed", "s3 not_run",
                                                "s4 not_run", "s5 not_run"}));
  EXPECT_EQ(r.Summarize().not_run, 3);
  EXPECT_EQ(r.Summarize().total, 6);

  std::atomic<bool> cancel{true};
  RunOptions cancelled;
  cancelled.cancel = &cancel;
  RunResult c = RunSuite(suite, cancelled, env);
  ASSERT_EQ(c.scenarios.size(), 6u);
  EXPECT_EQ(c.scenarios[0].status, Verdict::kNotRun);
  EXPECT_EQ(c.scenarios[0].skip_reason, "not finished: the run was interrupted");
  EXPECT_TRUE(c.interrupted);
}

TEST(SuiteRunner, ServerModeGoesToTheServerDispatch) {
  auto r = ScenarioLoader().LoadString(
      "mode: server\nsteps:\n  - reply: 220 hi\n  - expect: QUIT\n    reply: 221 bye\n",
      "srv.yaml");
  ASSERT_TRUE(r.ok()) << r.ErrorText();
  auto env = testing::InMemoryEnvPerConnection(testing::ScriptedServer{});
  RunOptions opt;
  opt.timeout = std::chrono::milliseconds(200);
  RunResult run = RunSuite({*r.scenario}, opt, env);
  ASSERT_EQ(run.scenarios.size(), 1u);
  EXPECT_EQ(run.scenarios[0].mode, "server");
}

}  // namespace
}  // namespace smtp
