// The CI recipes in ci/examples/ run as written: the `smtp-harness run`
// command of each is taken from the YAML, its CI variables filled in, and run
// for every shard of a 2-way split of scenarios/; the shards together must run
// every scenario once and write the JUnit files the upload steps name.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <set>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

// The repository's scenarios without scenarios/lab and scenarios/clients, whose server-mode
// scenarios run a client: command, which `run` does only with
// --allow-client (the templates, for anyone's scenario folder, leave it out).
std::string ScenariosWithoutClients(TempDir& dir) {
  std::string copy = dir.path() + "/scenarios";
  if (std::filesystem::exists(copy)) return copy;
  std::filesystem::copy(Source("scenarios"), copy, std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(copy + "/lab");
  std::filesystem::remove_all(copy + "/clients");
  return copy;
}

std::string BinDir() { return std::filesystem::path(SMTP_HARNESS_BINARY).parent_path().string(); }

std::string Replace(std::string s, const std::string& from, const std::string& to) {
  for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  return s;
}

// Runs the command of each of 2 shards through the shell; returns the
// scenario names found in the JUnit files the command wrote.
std::multiset<std::string> RunShards(
    const std::function<std::string(int)>& command_of,
    const std::function<std::map<std::string, std::string>(int)>& env_of, TempDir& dir) {
  std::multiset<std::string> names;
  for (int k = 1; k <= 2; ++k) {
    ProcOptions o = InDir(dir.path());
    o.env = env_of(k);
    o.env["PATH"] = BinDir() + ":/usr/bin:/bin";
    o.env["SCENARIOS"] = ScenariosWithoutClients(dir);
    o.env["TARGET"] = "fake";
    std::string command = command_of(k);
    auto r = RunProcess({"/bin/sh", "-c", command}, o);
    EXPECT_EQ(r.exit_code, 0) << command << "\n" << r.out << r.err;
    std::string xml = dir.Read("smtp-junit-" + std::to_string(k) + ".xml");
    const std::string tc = "<testcase name=\"";
    for (size_t at = xml.find(tc); at != std::string::npos; at = xml.find(tc, at + 1)) {
      size_t start = at + tc.size();
      names.insert(xml.substr(start, xml.find('"', start) - start));
    }
  }
  return names;
}

std::set<std::string> AllScenarioNames(TempDir& dir) {
  auto r = RunHarness({ScenariosWithoutClients(dir), "--report", "all.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::set<std::string> names;
  auto report = ParseJson(dir.Read("all.json"));
  for (const auto& s : report["scenarios"]) names.insert(s["name"].get<std::string>());
  return names;
}

TEST(RunCiExamples, GithubActionsShardsCoverEveryScenarioOnce) {
  YAML::Node wf = YAML::LoadFile(Source("ci/examples/github-actions.yml"));
  std::string command;
  for (const auto& step : wf["jobs"]["scenarios"]["steps"]) {
    if (step["run"] &&
        step["run"].as<std::string>().find("smtp-harness run") != std::string::npos) {
      command = step["run"].as<std::string>();
    }
  }
  ASSERT_FALSE(command.empty());
  EXPECT_NE(command.find("--shard"), std::string::npos);
  EXPECT_NE(command.find("--junit"), std::string::npos);
  TempDir dir;
  // GitHub fills ${{ matrix.shard }} before the shell sees the script.
  auto all =
      RunShards([&](int k) { return Replace(command, "${{ matrix.shard }}", std::to_string(k)); },
                [](int) {
                  return std::map<std::string, std::string>{{"SHARDS", "2"}};
                },
                dir);
  auto expected = AllScenarioNames(dir);
  EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), expected);
  EXPECT_EQ(all.size(), expected.size());  // no scenario in two shards
}

TEST(RunCiExamples, GitlabParallelShardsCoverEveryScenarioOnce) {
  YAML::Node ci = YAML::LoadFile(Source("ci/examples/gitlab-ci.yml"));
  const auto& job = ci["smtp-scenarios"];
  ASSERT_TRUE(job["script"]);
  std::string command = job["script"][0].as<std::string>();
  EXPECT_NE(command.find("--shard \"$CI_NODE_INDEX/$CI_NODE_TOTAL\""), std::string::npos);
  EXPECT_EQ(job["artifacts"]["reports"]["junit"].as<std::string>(), "smtp-junit-*.xml");
  TempDir dir;
  auto names = RunShards([&](int) { return command; },
                         [](int k) {
                           return std::map<std::string, std::string>{
                               {"CI_NODE_INDEX", std::to_string(k)}, {"CI_NODE_TOTAL", "2"}};
                         },
                         dir);
  auto expected = AllScenarioNames(dir);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()), expected);
  EXPECT_EQ(names.size(), expected.size());
}

}  // namespace
}  // namespace smtp::run_e2e
