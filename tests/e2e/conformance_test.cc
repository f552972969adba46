// End-to-end: the conformance suite (scenarios/rfc* and scenarios/smuggling)
// run by the real smtp-harness binary against the fake server and the private
// Postfix (twice for the smuggling pack), Exim, OpenSMTPD and aiosmtpd. Real
// servers deviate from the RFCs in known ways; what is asserted is that each
// scenario's verdict equals the one recorded in
// tests/conformance/expected-<server>.json, so a change in our harness (or in
// the suite) shows up as a diff, and that every failure of a real server is
// judged in tests/conformance/judgements.json. Regenerate the expected files
// with `ci/conformance --update` after reviewing the change. The folders and
// variables of each run come from `ci/conformance --args SERVER`, so this
// test and the matrix in docs/conformance.md run the same thing.
//
// Real-server addresses come from POSTFIX_SMTP, EXIM_SMTP, OPENSMTPD_SMTP,
// AIOSMTPD_SMTP (host:port, set by ci/test from `ci/SERVER start`); without
// them the tests skip, unless SMTP_HARNESS_REQUIRE_REAL_SERVERS=1, then they
// fail.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kSource = SMTP_HARNESS_SOURCE_DIR;

struct ProcessResult {
  int exit_code = -1;  // -1: killed (timeout or signal)
  bool timed_out = false;
  std::string out, err;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs argv[0] (a path) in the source dir, killed after `timeout`
// (tests/support/child_process.h).
ProcessResult RunProcess(const std::vector<std::string>& argv, const fs::path& work,
                         std::chrono::seconds timeout) {
  (void)work;  // the output is captured in memory now
  smtp::test::ProcOptions o;
  o.cwd = kSource.string();
  o.timeout = timeout;
  smtp::test::ProcResult p = smtp::test::RunProcess(argv, o);
  ProcessResult r;
  r.exit_code = p.exit_code;
  r.timed_out = p.timed_out;
  r.out = std::move(p.out);
  r.err = std::move(p.err);
  return r;
}

ProcessResult RunHarness(std::vector<std::string> args, const fs::path& work,
                         std::chrono::seconds timeout) {
  args.insert(args.begin(), SMTP_HARNESS_BINARY);
  return RunProcess(args, work, timeout);
}

// The suite folders, relative to the source dir: every scenarios/rfc* folder
// and scenarios/smuggling;
// the "-configured" ones (which need a server set up a particular way, as the
// fake server is by their `server:` blocks) only when `configured` is true.
std::vector<std::string> SuiteDirs(bool configured) {
  std::vector<std::string> dirs;
  for (const auto& e : fs::directory_iterator(kSource / "scenarios")) {
    std::string name = e.path().filename().string();
    if (!e.is_directory() || (name.rfind("rfc", 0) != 0 && name != "smuggling")) continue;
    bool is_configured = name.size() > 11 && name.substr(name.size() - 11) == "-configured";
    if (is_configured && !configured) continue;
    dirs.push_back("scenarios/" + name);
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

std::map<std::string, std::string> LoadExpected(const std::string& server) {
  fs::path p = kSource / "tests" / "conformance" / ("expected-" + server + ".json");
  std::map<std::string, std::string> m;
  std::ifstream in(p);
  if (!in) {
    ADD_FAILURE() << "missing " << p << " (generate it with ci/conformance --update)";
    return m;
  }
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("results") || !j["results"].is_object()) {
    ADD_FAILURE() << p << ": expected a JSON object with a \"results\" object";
    return m;
  }
  for (const auto& [name, status] : j["results"].items()) m[name] = status.get<std::string>();
  return m;
}

// Data transparency end to end (RFC 5321 §4.5.2): the messages of the
// data_dot_stuffing and data_dot_inside_line scenarios, as the server stored
// them under `maildir`, hold exactly the lines the scenarios meant, leading
// periods restored. Delivery may be asynchronous (Postfix): wait up to 20s.
void ExpectDotsSurvivedRoundTrip(const fs::path& maildir) {
  struct Case {
    std::string subject;
    std::string body;  // LF line ends
  };
  const std::vector<Case> cases = {
      {"Subject: smtp-harness conformance: dot-stuffing",
       "The next line is a single period:\n.\n..two periods\n"
       ".XYZZY a line that starts with a period\n. and one with a period and a space\nEnd.\n"},
      {"Subject: smtp-harness conformance: stuffed lines", ".\n..\n.XYZZY\nlast line\n"},
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (const auto& c : cases) {
    std::vector<std::string> found;
    while (found.empty()) {
      std::error_code ec;
      for (auto it = fs::recursive_directory_iterator(maildir, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (!it->is_regular_file()) continue;
        std::string text = ReadFile(it->path());
        if (text.find(c.subject) == std::string::npos) continue;
        std::string lf;
        for (size_t i = 0; i < text.size(); ++i) {
          if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
          lf += text[i];
        }
        found.push_back(lf);
      }
      if (!found.empty() || std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(found.empty()) << "no message with \"" << c.subject << "\" under " << maildir;
    for (const auto& text : found) {
      size_t body = text.find("\n\n", text.find(c.subject));
      ASSERT_NE(body, std::string::npos) << text;
      EXPECT_EQ(text.substr(body + 2), c.body) << "stored message:\n" << text;
    }
  }
}

class ConformanceSuite : public ::testing::Test {
 protected:
  void SetUp() override {
    work_ = fs::temp_directory_path() /
            ("smtp-harness-conformance-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(work_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(work_);
  }

  // Address (host:port) of a real server from the environment, or nullopt
  // after skipping/failing as the brief says.
  std::optional<std::string> RealServer(const char* env) {
    const char* v = std::getenv(env);
    if (v && *v) return std::string(v);
    const char* req = std::getenv("SMTP_HARNESS_REQUIRE_REAL_SERVERS");
    if (req && std::string(req) == "1") {
      ADD_FAILURE() << env << " is not set but SMTP_HARNESS_REQUIRE_REAL_SERVERS=1";
    }
    return std::nullopt;
  }

  // Runs the suite as `ci/conformance --args SERVER` says and compares every
  // verdict with the expected file of `server`. Returns the report.
  json RunAndCompare(const std::string& server) {
    fs::path report = work_ / (server + ".json");
    ProcessResult a = RunProcess({"/bin/bash", "ci/conformance", "--args", server}, work_,
                                 std::chrono::seconds(30));
    if (a.exit_code != 0) {
      ADD_FAILURE() << "ci/conformance --args " << server << ": exit " << a.exit_code << "\n"
                    << a.err;
      return json();
    }
    std::vector<std::string> args = {"run"};
    std::istringstream lines(a.out);
    for (std::string line; std::getline(lines, line);) args.push_back(line);
    for (std::string x : {"--report", report.c_str(), "--no-color", "-j", "4", "--timeout", "5s"}) {
      args.push_back(x);
    }
    ProcessResult r = RunHarness(args, work_, std::chrono::seconds(240));
    if (r.timed_out) {
      ADD_FAILURE() << "smtp-harness run did not finish within 240s\n" << r.err;
      return json();
    }
    // 0: all passed, 1: some failed; 2/3 mean the suite did not run properly.
    if (r.exit_code != 0 && r.exit_code != 1) {
      ADD_FAILURE() << "exit " << r.exit_code << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err;
      return json();
    }

    json j = json::parse(ReadFile(report), nullptr, false);
    if (j.is_discarded()) {
      ADD_FAILURE() << "report " << report << " is not JSON";
      return json();
    }
    std::map<std::string, std::string> actual;
    std::map<std::string, std::string> why;
    for (const auto& sc : j.at("scenarios")) {
      std::string name = sc.at("name");
      actual[name] = sc.at("status");
      if (sc.contains("failure")) why[name] = sc["failure"].value("message", "");
      if (sc.contains("skip_reason")) why[name] = sc["skip_reason"];
    }
    EXPECT_EQ(j.at("summary").at("total").get<int>(), static_cast<int>(actual.size()))
        << "scenario names in the report are not unique";

    std::map<std::string, std::string> expected = LoadExpected(server);
    std::set<std::string> names;
    for (const auto& [n, s] : expected) names.insert(n);
    for (const auto& [n, s] : actual) names.insert(n);
    int diffs = 0;
    std::ostringstream msg;
    for (const auto& n : names) {
      std::string e = expected.count(n) ? expected[n] : "(not in expected file)";
      std::string a = actual.count(n) ? actual[n] : "(not run)";
      if (e == a) continue;
      ++diffs;
      msg << "  " << n << ": expected " << e << ", got " << a;
      if (why.count(n) && !why[n].empty()) msg << " -- " << why[n];
      msg << "\n";
    }
    EXPECT_EQ(diffs, 0) << server << ": " << diffs
                        << " scenario(s) changed verdict against tests/conformance/expected-"
                        << server << ".json (review, then ci/conformance --update):\n"
                        << msg.str() << "report kept in " << report;
    return j;
  }

  // A real server from the environment: runs it and compares; false when
  // it is not there (skipped, or failed under SMTP_HARNESS_REQUIRE_REAL_SERVERS).
  bool RunRealServer(const std::string& server, const char* env) {
    if (!RealServer(env)) return false;
    RunAndCompare(server);
    return true;
  }

  fs::path work_;
};

TEST_F(ConformanceSuite, EveryScenarioValidatesAndNamesItsRfcSections) {
  std::vector<std::string> args = {"validate"};
  for (const auto& d : SuiteDirs(true)) args.push_back(d);
  ProcessResult r = RunHarness(args, work_, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;

  int files = 0;
  std::set<std::string> stems;
  for (const auto& d : SuiteDirs(true)) {
    for (const auto& e : fs::directory_iterator(kSource / d)) {
      if (e.path().extension() != ".yaml") continue;
      ++files;
      std::string text = ReadFile(e.path());
      EXPECT_NE(text.find("\nrfc: ["), std::string::npos) << e.path() << " has no rfc: list";
      EXPECT_TRUE(stems.insert(e.path().stem().string()).second)
          << e.path() << ": scenario name used twice in the suite";
    }
  }
  EXPECT_GE(files, 40) << "the issue asks for at least 40 conformance scenarios";
}

// scenarios/rfc5321/COVERAGE.md maps RFC 5321's requirements to scenarios:
// ci/rfc5321-coverage fails when it names a scenario that does not exist or
// when under 80 % of the testable MUST-level requirements are covered.
TEST_F(ConformanceSuite, Rfc5321CoverageNamesExistingScenarios) {
  ProcessResult r =
      RunProcess({"/usr/bin/python3", "ci/rfc5321-coverage"}, work_, std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("MUST-level requirements on a receiving server"), std::string::npos)
      << r.out;

  // A table naming a scenario that does not exist fails.
  std::string table = ReadFile(kSource / "scenarios/rfc5321/COVERAGE.md");
  size_t at = table.find("`helo_session`");
  ASSERT_NE(at, std::string::npos);
  table.replace(at, 14, "`no_such_scenario`");
  fs::path broken = work_ / "COVERAGE.md";
  std::ofstream(broken) << table;
  r = RunProcess({"/usr/bin/python3", "ci/rfc5321-coverage", broken.string()}, work_,
                 std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("names scenario no_such_scenario, which does not exist"), std::string::npos)
      << r.err;
}

// The fake server is our reference: it must pass every scenario of the suite,
// the configured ones included (their server: blocks set it up).
TEST_F(ConformanceSuite, FakeServerPassesEverything) {
  auto expected = LoadExpected("fake");
  // A bug of the fake server found by the suite stays visible: recorded as
  // failed, and judged (kind "bug") in judgements.json until it is fixed.
  json judgements =
      json::parse(ReadFile(kSource / "tests/conformance/judgements.json"), nullptr, false);
  json known =
      judgements.is_object() && judgements.contains("fake") ? judgements["fake"] : json::object();
  for (const auto& [name, status] : expected) {
    if (status != "passed" && known.contains(name) && known[name].value("kind", "") == "bug") {
      continue;
    }
    EXPECT_EQ(status, "passed") << "expected-fake.json records " << name << " as " << status
                                << ": the fake server must pass every scenario; if it does not, "
                                   "the fake server or the runner has a bug";
  }
  RunAndCompare("fake");
}

// ci/conformance-expected and ci/conformance-matrix (what --update runs) turn
// a report into an expected file with the same verdicts and into the matrix.
TEST_F(ConformanceSuite, ScriptsTurnAReportIntoExpectedFileAndMatrix) {
  fs::path report = work_ / "fake.json";
  std::vector<std::string> args = {"run"};
  for (const auto& d : SuiteDirs(true)) args.push_back(d);
  args.insert(args.end(), {"--report", report.string(), "--no-color"});
  ProcessResult run = RunHarness(args, work_, std::chrono::seconds(120));
  ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << run.out << run.err;

  fs::path out = work_ / "expected-fake.json";
  ProcessResult gen = RunProcess(
      {"/usr/bin/python3", "ci/conformance-expected", "fake", report.string(), out.string()}, work_,
      std::chrono::seconds(60));
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  json j = json::parse(ReadFile(out), nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << ReadFile(out);
  std::map<std::string, std::string> regenerated;
  for (const auto& [name, status] : j.at("results").items()) regenerated[name] = status;
  std::map<std::string, std::string> reported;
  std::map<std::string, int> counts;
  json report_json = json::parse(ReadFile(report));
  for (const auto& sc : report_json.at("scenarios")) {
    reported[sc.at("name")] = sc.at("status");
    ++counts[sc.at("status")];
  }
  EXPECT_EQ(regenerated, reported);

  ProcessResult matrix =
      RunProcess({"/usr/bin/python3", "ci/conformance-matrix", "fake=" + report.string()}, work_,
                 std::chrono::seconds(60));
  ASSERT_EQ(matrix.exit_code, 0) << matrix.err;
  EXPECT_NE(matrix.out.find("| greeting_220 | 5321 3.1, 5321 4.2, 5321 4.3.2 | pass |"),
            std::string::npos)
      << matrix.out;
  EXPECT_NE(matrix.out.find("| 5321 4.5.1 | "), std::string::npos) << matrix.out;
  EXPECT_NE(matrix.out.find("Totals: fake: " + std::to_string(counts["passed"]) + " passed, " +
                            std::to_string(counts["failed"]) + " failed, " +
                            std::to_string(counts["skipped"]) + " skipped."),
            std::string::npos)
      << matrix.out;
}

#define SKIP_UNLESS_RUN(server, env)                                           \
  if (!RunRealServer(server, env)) {                                           \
    if (HasFailure()) return;                                                  \
    GTEST_SKIP() << env << " not set (run through ci/test or ci/conformance)"; \
  }

TEST_F(ConformanceSuite, PostfixMatchesKnownResults) {
  SKIP_UNLESS_RUN("postfix", "POSTFIX_SMTP");
  if (const char* maildir = std::getenv("POSTFIX_MAILDIR")) {
    ExpectDotsSurvivedRoundTrip(fs::path(maildir) / "bob");
  }
}

// The smuggling pack against the same Postfix with smtpd_forbid_bare_newline = yes.
TEST_F(ConformanceSuite, PostfixStrictMatchesKnownResults) {
  SKIP_UNLESS_RUN("postfix-strict", "POSTFIX_SMTP_STRICT");
}

TEST_F(ConformanceSuite, EximMatchesKnownResults) {
  SKIP_UNLESS_RUN("exim", "EXIM_SMTP");
  if (const char* maildir = std::getenv("EXIM_MAILDIR")) {
    ExpectDotsSurvivedRoundTrip(fs::path(maildir) / "bob");
  }
}

TEST_F(ConformanceSuite, OpensmtpdMatchesKnownResults) {
  SKIP_UNLESS_RUN("opensmtpd", "OPENSMTPD_SMTP");
  if (const char* maildir = std::getenv("OPENSMTPD_MAILDIR")) {
    ExpectDotsSurvivedRoundTrip(fs::path(maildir) / "bob");
  }
}

TEST_F(ConformanceSuite, AiosmtpdMatchesKnownResults) {
  SKIP_UNLESS_RUN("aiosmtpd", "AIOSMTPD_SMTP");
  if (const char* maildir = std::getenv("AIOSMTPD_MAILDIR")) ExpectDotsSurvivedRoundTrip(maildir);
}

// Every failure (or error) recorded for a real server is judged in
// tests/conformance/judgements.json, and every judgement is of a recorded
// failure: the matrix in docs/conformance.md lists them with their RFC section.
TEST_F(ConformanceSuite, EveryRealServerFailureIsJudged) {
  json judgements =
      json::parse(ReadFile(kSource / "tests/conformance/judgements.json"), nullptr, false);
  ASSERT_TRUE(judgements.is_object()) << "tests/conformance/judgements.json is not a JSON object";
  for (std::string server :
       {"fake", "postfix", "postfix-strict", "exim", "opensmtpd", "aiosmtpd"}) {
    auto expected = LoadExpected(server);
    json mine = judgements.contains(server) ? judgements[server] : json::object();
    for (const auto& [name, status] : expected) {
      if (status != "failed" && status != "error") continue;
      ASSERT_TRUE(mine.contains(name))
          << server << ": " << name << " is recorded as " << status
          << " but tests/conformance/judgements.json has no judgement for it";
      const json& j = mine[name];
      EXPECT_TRUE(j.contains("rfc") && j["rfc"].is_string() && !j["rfc"].get<std::string>().empty())
          << server << "/" << name << ": no rfc section";
      EXPECT_TRUE(j.contains("judgement") && j["judgement"].is_string() &&
                  !j["judgement"].get<std::string>().empty())
          << server << "/" << name << ": no judgement";
      std::string kind = j.value("kind", "");
      EXPECT_TRUE(kind == "deviation" || kind == "bug" || kind == "configuration")
          << server << "/" << name << ": kind must be deviation, bug or configuration, not "
          << kind;
    }
    for (const auto& [name, j] : mine.items()) {
      auto it = expected.find(name);
      EXPECT_TRUE(it != expected.end() && (it->second == "failed" || it->second == "error"))
          << server << "/" << name << " is judged but not recorded as a failure (stale judgement)";
    }
  }
}

}  // namespace
