// The client-mode ```yaml examples of docs/scenarios.md also pass when run
// against the fake server, so the reference cannot drift from behaviour.
// (Server-mode examples need a client under test; they are only loaded, by
// tests/scenario/docs_examples_test.cc.)
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "send_support.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;

TEST(DocsExamplesRun, ClientModeExamplesPassAgainstTheFakeServer) {
  const fs::path docs = fs::path(SMTP_HARNESS_SOURCE_DIR) / "docs";
  const fs::path dir = fs::path(testing::TempDir()) / "docs_examples_run";
  fs::remove_all(dir);
  fs::create_directories(dir / "examples");
  fs::copy_file(docs / "examples/hello.eml", dir / "examples/hello.eml");

  std::ifstream in(docs / "scenarios.md");
  std::vector<std::string> files;
  std::string line, block;
  bool open = false;
  while (std::getline(in, line)) {
    if (!open && line == "```yaml") {
      open = true;
      block.clear();
    } else if (open && line == "```") {
      open = false;
      if (block.find("\nmode: server") != std::string::npos ||
          block.rfind("mode: server", 0) == 0) {
        continue;
      }
      char name[32];
      std::snprintf(name, sizeof name, "ex%02zu.yaml", files.size());
      std::ofstream(dir / name) << block;
      files.push_back((dir / name).string());
    } else if (open) {
      block += line + "\n";
    }
  }
  ASSERT_GE(files.size(), 10u);
  std::vector<std::string> argv = {SMTP_HARNESS_BINARY, "run", "--no-color", "--report",
                                   (dir / "report.json").string()};
  argv.insert(argv.end(), files.begin(), files.end());
  auto r = send_e2e::RunProcess(argv, {{"HOME", "/root"}}, std::chrono::seconds(120));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(std::to_string(files.size()) + " passed, 0 failed"), std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace smtp
