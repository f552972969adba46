// `smtp-harness validate` end to end: exit statuses, file:line:col lines on
// stderr, the summary, --var, and every malformed fixture reported at once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "send_support.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;
using send_e2e::ProcResult;
using send_e2e::RunProcess;

ProcResult Validate(std::vector<std::string> args) {
  args.insert(args.begin(), {SMTP_HARNESS_BINARY, "validate"});
  return RunProcess(args, {}, std::chrono::seconds(60));
}

fs::path TempScenario(const std::string& name, const std::string& text) {
  fs::path dir = fs::path(testing::TempDir()) / "validate_e2e";
  fs::create_directories(dir);
  fs::path p = dir / name;
  std::ofstream(p) << text;
  return p;
}

TEST(ValidateE2e, ValidFileExitsZero) {
  auto p = TempScenario("ok.yaml", "steps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n");
  auto r = Validate({p.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 1 scenario valid\n");
  EXPECT_EQ(r.err, "");
}

TEST(ValidateE2e, VarOnCommandLineDefinesVariable) {
  auto p = TempScenario("var.yaml", "steps:\n  - send: RCPT TO:<${to}>\n    expect: 250\n");
  auto without = Validate({p.string()});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_EQ(without.err, p.string() +
                             ":2:11: send: undefined variable ${to} (define it in vars:, with "
                             "--var, or capture it in an earlier step)\n"
                             "invalid: 1 of 1 scenario (1 error)\n");
  auto with = Validate({"--var", "to=bob@example.test", p.string()});
  EXPECT_EQ(with.exit_code, 0) << with.err;
  auto bad_var = Validate({"--var", "oops", p.string()});
  EXPECT_EQ(bad_var.exit_code, 2);
  EXPECT_EQ(bad_var.err, "smtp-harness validate: --var 'oops': expected KEY=VALUE\n");
}

TEST(ValidateE2e, EveryMalformedFixtureIsReportedAtOnce) {
  const fs::path dir = fs::path(SMTP_HARNESS_SOURCE_DIR) / "tests/fixtures/bad_scenarios";
  auto r = Validate({dir.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  std::vector<fs::path> yamls;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") yamls.push_back(e.path());
  }
  std::sort(yamls.begin(), yamls.end());
  std::string expected;
  int errors = 0;
  for (const auto& y : yamls) {
    std::ifstream in(fs::path(y).replace_extension(".expected"));
    std::string line;
    while (std::getline(in, line)) {
      // The env fixture depends on the environment; the unit test covers it.
      expected += (dir / line).string() + "\n";
      ++errors;
    }
  }
  expected += "invalid: " + std::to_string(yamls.size()) + " of " + std::to_string(yamls.size()) +
              " scenarios (" + std::to_string(errors) + " errors)\n";
  EXPECT_EQ(r.err, expected);
}

TEST(ValidateE2e, UsageErrors) {
  auto missing = Validate({"/nonexistent/dir"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "smtp-harness validate: /nonexistent/dir: no such file or directory\n");
  auto none = Validate({});
  EXPECT_EQ(none.exit_code, 2);
}

}  // namespace
}  // namespace smtp
