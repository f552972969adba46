#include "harness/cli/output_paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace smtp::cli {
namespace {

namespace fs = std::filesystem;

TEST(OutputPaths, EveryNameOfStandardOutputIsStandardOutput) {
  EXPECT_TRUE(IsStandardOutput("-"));
  EXPECT_TRUE(IsStandardOutput("/dev/stdout"));
  EXPECT_TRUE(IsStandardOutput("/dev/fd/1"));
  EXPECT_TRUE(IsStandardOutput("/proc/self/fd/1"));
  EXPECT_TRUE(IsStandardOutput("/dev/../dev/stdout"));
  EXPECT_TRUE(IsStandardOutput("/proc/" + std::to_string(getpid()) + "/fd/1"));
  EXPECT_FALSE(IsStandardOutput("/dev/null"));
  // (/dev/stderr is standard output too when both are the same pipe or
  // terminal, as under `2>&1`: not asserted, it depends on how we run.)
  EXPECT_FALSE(IsStandardOutput("report.json"));
  EXPECT_FALSE(IsStandardOutput("--"));

  const fs::path dir =
      fs::temp_directory_path() / ("smtp-harness-output-paths-" + std::to_string(getpid()));
  fs::create_directories(dir);
  fs::create_symlink("/proc/self/fd/1", dir / "abs-link");
  fs::create_symlink("abs-link", dir / "rel-link");  // a link to a link
  std::ofstream(dir / "file") << "x";
  fs::create_symlink("file", dir / "file-link");
  EXPECT_TRUE(IsStandardOutput((dir / "abs-link").string()));
  EXPECT_TRUE(IsStandardOutput((dir / "rel-link").string()));
  EXPECT_FALSE(IsStandardOutput((dir / "file").string()));
  EXPECT_FALSE(IsStandardOutput((dir / "file-link").string()));
  fs::remove_all(dir);
}

TEST(OutputPaths, TwoReportsOnStandardOutputAreRefusedNamingBoth) {
  EXPECT_TRUE(CheckOneStandardOutput({{"--report", "-"}, {"--junit", "j.xml"}}).ok());
  EXPECT_TRUE(CheckOneStandardOutput({{"--report", "r.json"}, {"--junit", ""}}).ok());
  Status s = CheckOneStandardOutput(
      {{"--report", "-"}, {"--junit", "j.xml"}, {"--gradescope", "/dev/stdout"}});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "--report - and --gradescope /dev/stdout both write to standard output, where the two "
            "reports would be mixed: give one of them a file");
}

}  // namespace
}  // namespace smtp::cli
