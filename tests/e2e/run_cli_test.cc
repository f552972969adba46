// `smtp-harness run` from the outside: exit statuses 0/1/2/3, the default
// report in the working directory, `--report -`, JUnit parsed back,
// --fail-fast, SIGINT writing a partial report, and --update.
#include <gtest/gtest.h>

#include "harness/regex/regex.h"
#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

const char* kPass = "name: ok\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n";
const char* kFail = "name: bad\nsteps:\n  - expect: 220\n  - send: NOOP\n    expect: 550\n";

TEST(RunCli, ExitZeroAndDefaultReportInWorkingDirectory) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  auto r = RunHarness({"a.yaml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  ASSERT_TRUE(dir.Exists("smtp-harness-report.json"));
  auto j = ParseJson(dir.Read("smtp-harness-report.json"));
  EXPECT_EQ(j["summary"]["passed"], 1);
  EXPECT_NE(r.out.find("\xE2\x9C\x93 ok  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n1 passed, 0 failed, 0 errors, 0 skipped in "), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos);  // not a TTY: no colour
}

// Colour only on a terminal (util-linux `script` gives the run a pty), and
// never with NO_COLOR set or --no-color.
TEST(RunCli, ColourOnlyOnATerminal) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no /usr/bin/script";
  TempDir dir;
  dir.Write("a.yaml", kPass);
  auto in_pty = [&](const std::string& args, std::map<std::string, std::string> env) {
    ProcOptions o = InDir(dir.path());
    o.env = std::move(env);
    std::string cmd = std::string(SMTP_HARNESS_BINARY) + " run a.yaml --report r.json " + args;
    return RunProcess({"/usr/bin/script", "-qec", cmd, dir.path() + "/typescript"}, o);
  };
  auto plain_env = std::map<std::string, std::string>{{"NO_COLOR", ""}};
  auto r = in_pty("", plain_env);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\033[32m\xE2\x9C\x93\033[0m ok"), std::string::npos) << r.out;
  r = in_pty("--no-color", plain_env);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ok"), std::string::npos);
  r = in_pty("", {{"NO_COLOR", "1"}});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << r.out;
}

// A live "[N/M] running: ..." line on a terminal (erased with spaces, so
// it adds no escape sequences); none at all in a pipe.
TEST(RunCli, ProgressLineOnlyOnATerminal) {
  if (!std::filesystem::exists("/usr/bin/script")) GTEST_SKIP() << "no /usr/bin/script";
  TempDir dir;
  dir.Write("a.yaml", kPass);
  dir.Write("b.yaml",
            "name: slow\nsteps:\n  - expect: 220\n  - sleep: 600ms\n  - send: QUIT\n"
            "    expect: 221\n");
  ProcOptions o = InDir(dir.path());
  o.env = {{"TERM", "xterm"}, {"NO_COLOR", "1"}};
  std::string cmd = std::string(SMTP_HARNESS_BINARY) + " run a.yaml b.yaml -j 2 --report r.json";
  auto r = RunProcess({"/usr/bin/script", "-qec", cmd, dir.path() + "/typescript"}, o);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("running: slow"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[1/2]"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\033["), std::string::npos) << r.out;
  auto piped = RunHarness({"a.yaml", "b.yaml", "-j", "2"}, InDir(dir.path()));
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ((piped.out + piped.err).find('\r'), std::string::npos) << piped.out << piped.err;
  EXPECT_EQ(piped.out.find("running:"), std::string::npos);
}

// An optional step that did not match passes, but is said: in the summary
// (without -v), in the JSON summary and in JUnit's system-out.
TEST(RunCli, OptionalMismatchesAreNotedEverywhere) {
  TempDir dir;
  dir.Write("opt.yaml",
            "name: opt\nsteps:\n  - expect: 220\n  - send: NOOP\n    expect: 550\n"
            "    optional: true\n  - send: QUIT\n    expect: 221\n");
  auto r = RunHarness({"opt.yaml", "--junit", "j.xml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("note: optional step 1 (opt.yaml:4): "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 passed, 0 failed, 0 errors, 0 skipped in "), std::string::npos);
  EXPECT_NE(r.out.find(" (1 optional step did not match)\n"), std::string::npos) << r.out;
  auto j = ParseJson(dir.Read("smtp-harness-report.json"));
  EXPECT_EQ(j["summary"]["optional_mismatches"], 1);
  EXPECT_NE(dir.Read("j.xml").find("<system-out>note: optional step 1 (opt.yaml:4): "),
            std::string::npos)
      << dir.Read("j.xml");
}

TEST(RunCli, ExitOneOnFailureWithDetails) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  dir.Write("b.yaml", kFail);
  auto r = RunHarness({"."}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");  // the failure is shown once, in the summary
  EXPECT_NE(r.out.find("\xE2\x9C\x97 bad  "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  ./b.yaml:4: step 1 (send): expected 550, got 250 Ok\n"
                       "  expected: 550\n  actual:   250 Ok\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("C: NOOP"), std::string::npos);  // the transcript around it
  EXPECT_NE(r.out.find("\n1 passed, 1 failed, 0 errors, 0 skipped in "), std::string::npos);
}

TEST(RunCli, ExitTwoForInvalidFilesBeforeRunningAnything) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  dir.Write("b.yaml", "steps:\n  - sned: HELO\n");
  dir.Write("c.yaml", "timeout: soon\nsteps:\n  - expect: 220\n");
  auto r = RunHarness({"a.yaml", "b.yaml", "c.yaml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");  // nothing ran
  EXPECT_FALSE(dir.Exists("smtp-harness-report.json"));
  // Every invalid file's errors, as file:line:col: message.
  Regex line_re = *Regex::Compile(R"(\A(b|c)\.yaml:\d+:\d+: .+\z)");
  std::istringstream lines(r.err);
  int n = 0;
  for (std::string l; std::getline(lines, l); ++n) EXPECT_TRUE(*line_re.Search(l)) << l;
  EXPECT_GE(n, 2);
  EXPECT_NE(r.err.find("b.yaml:2:5: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("c.yaml:1:10: "), std::string::npos) << r.err;
}

TEST(RunCli, ExitTwoForUsageErrors) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  struct {
    std::vector<std::string> args;
    std::string err;
  } cases[] = {
      {{"a.yaml", "--shard", "4/3"},
       "smtp-harness run: invalid --shard '4/3': expected K/N with 1 <= K <= N, e.g. 1/4\n"},
      {{"a.yaml", "--target", "http://x"},
       "smtp-harness run: invalid target 'http://x': expected fake, smtp://HOST:PORT or "
       "smtps://HOST:PORT\n"},
      {{"a.yaml", "--var", "novalue"},
       "smtp-harness run: invalid --var 'novalue': expected KEY=VALUE\n"},
      {{"a.yaml", "-j", "0"}, "smtp-harness run: invalid -j 0: expected 1 to 256\n"},
      // A value the option does not take: one line, the values it does.
      {{"a.yaml", "--gradescope-format", "pdf"},
       "smtp-harness run: --gradescope-format: expected text or html, got 'pdf'\n"},
      {{"missing.yaml"}, "smtp-harness run: missing.yaml: no such file or directory\n"},
  };
  for (const auto& c : cases) {
    auto r = RunHarness(c.args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << c.err;
    EXPECT_EQ(r.err, c.err);
  }
  auto r = RunHarness({"a.yaml", "--no-such-flag"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(dir.Exists("smtp-harness-report.json"));
}

// `--opt=` is the option with an empty value. CLI11 gave it the next
// argument instead: `serve --hostname= --once` greeted with "220 --once"
// and never stopped; a choice option complained about the next flag.
// CLI11's own refusals are one line naming the command, as ours are.
TEST(RunCli, AnEmptyValueAfterEqualsIsEmpty) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  const std::string bin = SMTP_HARNESS_BINARY;
  struct {
    std::vector<std::string> args;
    std::string err;
  } cases[] = {
      {{bin, "serve", "--bare-newlines=", "--once"},
       "smtp-harness serve: --bare-newlines: expected reject, disconnect, normalize or lax, got "
       "''\n"},
      {{bin, "run", "a.yaml", "--var=", "--junit", "j.xml"},
       "smtp-harness run: invalid --var '': expected KEY=VALUE\n"},
      {{bin, "completion", "fish"},
       "smtp-harness completion: shell: expected bash or zsh, got 'fish'\n"},
      {{bin, "completion"}, "smtp-harness completion: shell is required\n"},
  };
  for (const auto& c : cases) {
    auto r = RunProcess(c.args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << c.err;
    EXPECT_EQ(r.err.substr(0, c.err.size()), c.err);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
  EXPECT_FALSE(dir.Exists("j.xml"));
  // The flag after an empty value is a flag (it was --helo's value).
  auto r = RunProcess({bin, "send", "--helo=", "--json", "--server", "127.0.0.1:1", "--from",
                       "a@example.test", "--to", "b@example.test", "--body", "x"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 20) << r.err;
  EXPECT_EQ(r.out.rfind("{", 0), 0u) << r.out << r.err;
}

// A report path that cannot be written is found before running (exit 2,
// nothing ran, no report at all); tests/e2e/run_verdicts_test.cc has more.
TEST(RunCli, ExitTwoWhenTheReportCannotBeWritten) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  auto r = RunHarness({"a.yaml", "--report", "no/such/dir/r.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "smtp-harness run: cannot write JSON report (--report) to no/such/dir/r.json: No such "
            "file or directory\n");
  EXPECT_EQ(r.out, "");
  r = RunHarness({"a.yaml", "--report", "r.json", "--junit", "no/such/dir/j.xml"},
                 InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(dir.Exists("r.json"));
}

TEST(RunCli, ReportToStdoutReplacesTheSummary) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  dir.Write("b.yaml", kFail);
  auto r = RunHarness({"a.yaml", "b.yaml", "--report", "-"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  auto j = ParseJson(r.out);  // stdout is the JSON and nothing else
  EXPECT_EQ(j["summary"]["total"], 2);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["scenarios"][1]["failure"]["message"],
            "b.yaml:4: step 1 (send): expected 550, got 250 Ok");
  EXPECT_FALSE(dir.Exists("smtp-harness-report.json"));
}

// A small reader for the JUnit XML we write: counts elements and reads
// attributes, enough to check what a CI system would parse.
std::vector<std::map<std::string, std::string>> Elements(const std::string& xml,
                                                         const std::string& tag) {
  std::vector<std::map<std::string, std::string>> out;
  const std::string open = "<" + tag;
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    size_t p = at + open.size();
    if (p >= xml.size() || (xml[p] != ' ' && xml[p] != '>' && xml[p] != '/')) continue;
    std::map<std::string, std::string> attrs;
    // name="value" pairs up to the end of the tag (values hold no '"').
    while (p < xml.size() && xml[p] != '>') {
      size_t eq = xml.find("=\"", p);
      size_t end_tag = xml.find('>', p);
      if (eq == std::string::npos || eq > end_tag) {
        p = end_tag;
        break;
      }
      size_t name_start = xml.find_last_of(" \t\n", eq) + 1;
      size_t close = xml.find('"', eq + 2);
      attrs[xml.substr(name_start, eq - name_start)] = xml.substr(eq + 2, close - eq - 2);
      p = close + 1;
    }
    out.push_back(attrs);
  }
  return out;
}

TEST(RunCli, JunitParsesBack) {
  TempDir dir;
  dir.Write("suite/a.yaml", kPass);
  dir.Write("suite/b.yaml", kFail);
  dir.Write("suite/c.yaml",
            "name: skip\nrequires: [XYZZY]\nsteps:\n  - expect: 220\n  - send: EHLO x\n    expect: "
            "250\n");
  auto r = RunHarness({"suite", "--junit", "junit.xml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  std::string xml = dir.Read("junit.xml");
  ASSERT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0), 0u) << xml;
  auto suites = Elements(xml, "testsuite");
  ASSERT_EQ(suites.size(), 1u);
  EXPECT_EQ(suites[0]["tests"], "3");
  EXPECT_EQ(suites[0]["failures"], "1");
  EXPECT_EQ(suites[0]["skipped"], "1");
  auto cases = Elements(xml, "testcase");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_EQ(cases[0]["name"], "ok");
  EXPECT_EQ(cases[0]["classname"], "suite.a");
  EXPECT_EQ(cases[1]["classname"], "suite.b");
  auto failures = Elements(xml, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]["message"], "suite/b.yaml:4: step 1 (send): expected 550, got 250 Ok");
  EXPECT_NE(xml.find("C: NOOP"), std::string::npos);  // the transcript in the body
  auto skipped = Elements(xml, "skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]["message"], "server did not advertise XYZZY");
  // Every element opened is closed (well-formed enough for CI parsers).
  EXPECT_EQ(Elements(xml, "testsuites").size(), 1u);
  EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos);
}

TEST(RunCli, GradescopeResults) {
  TempDir dir;
  dir.Write("a.yaml", kPass);
  dir.Write("b.yaml", kFail);
  auto r = RunHarness({"a.yaml", "b.yaml", "--gradescope", "results.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  auto j = ParseJson(dir.Read("results.json"));
  EXPECT_EQ(j["score"], 1.0);
  ASSERT_EQ(j["tests"].size(), 2u);
  EXPECT_EQ(j["tests"][0]["name"], "ok");
  EXPECT_EQ(j["tests"][0]["status"], "passed");
  EXPECT_EQ(j["tests"][0]["max_score"], 1.0);
  EXPECT_EQ(j["tests"][1]["status"], "failed");
  EXPECT_EQ(j["tests"][1]["score"], 0.0);
  EXPECT_NE(j["tests"][1]["output"].get<std::string>().find(
                "b.yaml:4: step 1 (send): expected 550, got 250 Ok"),
            std::string::npos);
}

TEST(RunCli, FailFastStopsStartingScenarios) {
  TempDir dir;
  dir.Write("1.yaml", kFail);
  dir.Write("2.yaml", kPass);
  dir.Write("3.yaml", kPass);
  auto r = RunHarness({".", "--fail-fast", "--report", "-"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  auto j = ParseJson(r.out);
  ASSERT_EQ(j["scenarios"].size(), 3u);  // the two it did not start: not_run
  EXPECT_EQ(j["scenarios"][0]["status"], "failed");
  EXPECT_EQ(j["scenarios"][1]["status"], "not_run");
}

TEST(RunCli, SigintWritesWhatIsKnownAndExitsOne) {
  TempDir dir;
  dir.Write("1.yaml", kPass);
  dir.Write("2.yaml", "name: slow\nsteps:\n  - expect: 220\n  - sleep: 30s\n");
  ProcOptions o = InDir(dir.path());
  o.sigint_after = std::chrono::milliseconds(700);
  o.timeout = std::chrono::seconds(20);
  auto r = RunHarness({".", "--report", "r.json", "--junit", "j.xml"}, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_LT(r.elapsed_ms, 10000);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  EXPECT_EQ(j["interrupted"], true);
  ASSERT_EQ(j["scenarios"].size(), 2u);
  EXPECT_EQ(j["scenarios"][0]["name"], "ok");
  EXPECT_EQ(j["scenarios"][1]["status"], "not_run");  // cut short
  EXPECT_TRUE(dir.Exists("j.xml"));
}

TEST(RunCli, UpdateRewritesTheTranscriptAndShowsTheDiff) {
  TempDir dir;
  dir.Write("t.yaml",
            "name: t\n"
            "transcript: |\n"
            "  S: 220 *\n"
            "  # the greeting above stays a glob\n"
            "  C: NOOP\n"
            "  S: 250 Everything fine\n"
            "  C: QUIT\n"
            "  S: 221 *\n"
            "tags: [x]\n");
  auto before = RunHarness({"t.yaml"}, InDir(dir.path()));
  EXPECT_EQ(before.exit_code, 1);
  auto r = RunHarness({"t.yaml", "--update"}, InDir(dir.path()));
  EXPECT_NE(r.out.find("updated: t.yaml\n--- t.yaml\n+++ t.yaml (observed)\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n-  S: 250 Everything fine\n+  S: 250 Ok\n"), std::string::npos) << r.out;
  EXPECT_EQ(dir.Read("t.yaml"),
            "name: t\n"
            "transcript: |\n"
            "  S: 220 *\n"
            "  # the greeting above stays a glob\n"
            "  C: NOOP\n"
            "  S: 250 Ok\n"
            "  C: QUIT\n"
            "  S: 221 *\n"
            "tags: [x]\n");
  auto after = RunHarness({"t.yaml", "--update"}, InDir(dir.path()));
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
  EXPECT_NE(after.out.find("unchanged: t.yaml\n"), std::string::npos);
}

}  // namespace
}  // namespace smtp::run_e2e
