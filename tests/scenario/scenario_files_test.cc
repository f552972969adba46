#include "harness/scenario/scenario_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/scenario/scenario_validation.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;

class ScenarioFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) /
            ("scenario_files_" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "b" / "deep");
    fs::create_directories(root_ / "a");
    Write("b/deep/z.yaml", "steps: [{expect: 220}]\n");
    Write("b/c.yaml", "steps: [{expect: 220}]\n");
    Write("a/one.yaml", "steps: [{expect: 220}]\n");
    Write("a/notes.txt", "not a scenario\n");
    Write("a/other.yml", "steps: [{expect: 220}]\n");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ / rel) << text;
  }
  std::string P(const std::string& rel) const { return (root_ / rel).string(); }
  fs::path root_;
};

TEST_F(ScenarioFilesTest, DirectoriesRecursiveSortedFilesAsGiven) {
  auto files = CollectScenarioFiles({P("b"), P("a/notes.txt"), P("a"), P("b/c.yaml")});
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(*files, (std::vector<std::string>{P("b/c.yaml"), P("b/deep/z.yaml"), P("a/notes.txt"),
                                              P("a/one.yaml"), P("a/other.yml")}));
}

TEST_F(ScenarioFilesTest, MissingPathAndEmptyDirectory) {
  EXPECT_EQ(CollectScenarioFiles({P("nope")}).status().message(),
            P("nope") + ": no such file or directory");
  fs::create_directories(root_ / "empty");
  EXPECT_EQ(CollectScenarioFiles({P("empty")}).status().message(),
            P("empty") + ": no *.yaml or *.yml scenario files in it");
}

TEST_F(ScenarioFilesTest, ValidationPrintsErrorsAndSummary) {
  Write("b/bad.yaml", "steps:\n  - sned: x\n");
  std::ostringstream out, err;
  auto s = ValidateScenarioPaths({P("b")}, {}, out, err);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.files, 3);
  EXPECT_EQ(s.invalid, 1);
  EXPECT_EQ(out.str(), "");
  EXPECT_EQ(err.str(), P("b/bad.yaml") +
                           ":2:5: unknown key 'sned' in step (did you mean 'send'?)\n" +
                           P("b/bad.yaml") +
                           ":2:5: step has no action (one of send, send_raw, pipeline, data, "
                           "data_raw, starttls, auth, mail, sleep, expect_close, or expect)\n"
                           "invalid: 1 of 3 scenarios (2 errors)\n");
}

TEST_F(ScenarioFilesTest, ValidationOk) {
  std::ostringstream out, err;
  auto s = ValidateScenarioPaths({P("a"), P("b")}, {}, out, err);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(out.str(), "ok: 4 scenarios valid\n");
  EXPECT_EQ(err.str(), "");
  std::ostringstream out2, err2;
  auto missing = ValidateScenarioPaths({P("nope")}, {}, out2, err2);
  EXPECT_TRUE(missing.usage_error);
  EXPECT_EQ(err2.str(), "smtp-harness validate: " + P("nope") + ": no such file or directory\n");
}

}  // namespace
}  // namespace smtp
