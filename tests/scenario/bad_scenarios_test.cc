// Every file in tests/fixtures/bad_scenarios/ must fail to load with exactly
// the error lines in its .expected file (paths shown relative to that folder).
// SMTP_HARNESS_UPDATE_EXPECTED=1 rewrites the .expected files (review the diff).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/scenario/scenario_loader.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = fs::path(SMTP_HARNESS_SOURCE_DIR) / "tests/fixtures/bad_scenarios";

std::vector<std::string> BadScenarioNames() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, FailsWithTheExpectedErrors) {
  LoadOptions options;
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "HOME") return std::string("/root");
    return std::nullopt;
  };
  const fs::path yaml = kDir / (GetParam() + ".yaml");
  LoadResult r = ScenarioLoader(options).LoadFile(yaml.string());
  ASSERT_FALSE(r.ok()) << GetParam() << " loaded without errors";
  std::string actual;
  for (const auto& d : r.diagnostics) {
    Diagnostic shown = d;
    shown.file = fs::path(d.file).filename().string();
    actual += shown.ToString() + "\n";
  }
  const fs::path expected_file = kDir / (GetParam() + ".expected");
  if (std::getenv("SMTP_HARNESS_UPDATE_EXPECTED")) {
    std::ofstream(expected_file, std::ios::binary) << actual;
  }
  ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing";
  EXPECT_EQ(actual, ReadAll(expected_file));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BadScenario, ::testing::ValuesIn(BadScenarioNames()),
                         [](const auto& info) { return info.param; });

TEST(BadScenarios, AtLeastTwentyFiveFixturesEachWithExpectedErrors) {
  auto names = BadScenarioNames();
  EXPECT_GE(names.size(), 25u);
  for (const auto& e : fs::directory_iterator(kDir)) {
    if (e.path().extension() == ".expected") {
      EXPECT_TRUE(fs::exists(kDir / (e.path().stem().string() + ".yaml")))
          << e.path() << " has no scenario";
    }
  }
}

}  // namespace
}  // namespace smtp
