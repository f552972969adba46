// The shipped scenarios/ folder against the fake server: all green, the
// report valid against docs/report.schema.json, and parallel and sharded
// runs giving the same results as a serial one.
#include <gtest/gtest.h>

#include <map>

#include "tests/e2e/run_support.h"
#include "tests/report/mini_json_schema.h"

namespace smtp::run_e2e {
namespace {

using nlohmann::json;

std::map<std::string, std::string> Statuses(const json& report) {
  std::map<std::string, std::string> out;
  for (const auto& s : report["scenarios"]) out[s["name"]] = s["status"];
  return out;
}

TEST(RunExamples, AllScenariosPassAgainstFake) {
  TempDir dir;
  auto r = RunHarness({Source("scenarios"), "--allow-client", "--report", dir.path() + "/r.json",
                       "--junit", dir.path() + "/junit.xml"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  json report = ParseJson(dir.Read("r.json"));
  EXPECT_GE(report["summary"]["total"].get<int>(), 10);
  EXPECT_EQ(report["summary"]["passed"], report["summary"]["total"]);
  auto errors =
      testing::MiniJsonSchema::FromFile(Source("docs/report.schema.json")).Validate(report);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_NE(r.out.find(" passed, 0 failed, 0 errors, 0 skipped"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Conformance by RFC section:"), std::string::npos);
  // basic_send is exactly SPEC §3's example.
  auto st = Statuses(report);
  EXPECT_EQ(st["basic_send"], "passed");
  for (const char* name : {"multi_recipient_rejected", "ehlo_extensions", "pipelining", "starttls",
                           "auth", "dot_stuffing", "captures", "greylisting", "transcript_form"}) {
    EXPECT_EQ(st[name], "passed") << name;
  }
}

TEST(RunExamples, ParallelAndShardedRunsMatchSerial) {
  TempDir dir;
  auto serial =
      RunHarness({Source("scenarios"), "--allow-client", "--report", dir.path() + "/serial.json"});
  ASSERT_EQ(serial.exit_code, 0) << serial.err;
  auto parallel = RunHarness(
      {Source("scenarios"), "--allow-client", "-j", "4", "--report", dir.path() + "/par.json"});
  ASSERT_EQ(parallel.exit_code, 0) << parallel.err;
  json s = ParseJson(dir.Read("serial.json"));
  json p = ParseJson(dir.Read("par.json"));
  ASSERT_EQ(s["scenarios"].size(), p["scenarios"].size());
  for (size_t i = 0; i < s["scenarios"].size(); ++i) {
    // Same order (file order), same verdicts, same steps.
    EXPECT_EQ(s["scenarios"][i]["file"], p["scenarios"][i]["file"]);
    EXPECT_EQ(s["scenarios"][i]["status"], p["scenarios"][i]["status"]);
    EXPECT_EQ(s["scenarios"][i]["steps"].size(), p["scenarios"][i]["steps"].size());
  }
  // The scenario lines come out in file order too.
  auto first_lines = [](const std::string& out) { return out.substr(0, out.find("\n\n")); };
  auto strip_times = [](std::string text) {
    std::string out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind("  ")) + "\n";
    return out;
  };
  EXPECT_EQ(strip_times(first_lines(serial.out)), strip_times(first_lines(parallel.out)));

  std::map<std::string, std::string> merged;
  size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    std::string path = dir.path() + "/shard" + std::to_string(k) + ".json";
    auto r = RunHarness({Source("scenarios"), "--allow-client", "--shard", std::to_string(k) + "/3",
                         "--report", path});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json j = ParseJson(dir.Read("shard" + std::to_string(k) + ".json"));
    EXPECT_GE(j["scenarios"].size(), 3u);  // round-robin slices stay balanced
    total += j["scenarios"].size();
    for (auto& [name, status] : Statuses(j)) {
      EXPECT_EQ(merged.count(name), 0u) << name << " in two shards";
      merged[name] = status;
    }
  }
  EXPECT_EQ(total, s["scenarios"].size());
  EXPECT_EQ(merged, Statuses(s));
}

TEST(RunExamples, FilterSelectsByName) {
  TempDir dir;
  auto r = RunHarness(
      {Source("scenarios"), "--allow-client", "--filter", "basic_send", "--report", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = ParseJson(r.out);
  ASSERT_EQ(j["scenarios"].size(), 1u);
  EXPECT_EQ(j["scenarios"][0]["name"], "basic_send");

  r = RunHarness(
      {Source("scenarios"), "--allow-client", "--filter", "pipelining_*", "--report", "-"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  j = ParseJson(r.out);
  ASSERT_GE(j["scenarios"].size(), 1u);
  for (const auto& s : j["scenarios"]) {
    EXPECT_EQ(s["name"].get<std::string>().rfind("pipelining_", 0), 0u) << s["name"];
  }
}

}  // namespace
}  // namespace smtp::run_e2e
