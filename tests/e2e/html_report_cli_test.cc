// `--html` on run and `smtp-harness report` from outside: the page is written
// beside the JSON, `report` renders the saved JSON to the same bytes, and the
// exit statuses (2: not a report / usage, 3: cannot write) are as documented.
// The pages in a real browser: tests/browser/.
#include <gtest/gtest.h>

#include "tests/e2e/run_support.h"

namespace smtp {
namespace {

using run_e2e::InDir;
using run_e2e::RunHarness;
using run_e2e::RunProcess;
using run_e2e::TempDir;

constexpr char kRejected[] = R"(name: rejected
rfc: ["5321 4.1.1.3"]
server:
  rules:
    - {when: "RCPT*", reply: "550 5.1.1 <nobody@x>: no such user"}
steps:
  - expect: 220
  - send: EHLO x
    expect: 250
  - send: MAIL FROM:<a@x>
    expect: 250
  - send: RCPT TO:<nobody@x>
    expect: 250
)";

e2e::ProcResult Report(std::vector<std::string> args) {
  args.insert(args.begin(), {SMTP_HARNESS_BINARY, "report"});
  return RunProcess(args, {});
}

TEST(HtmlReportCli, RunWritesThePageAndReportRendersTheSameFromJson) {
  TempDir dir;
  dir.Write("s/rejected.yaml", kRejected);
  auto r = RunHarness({"s", "--report", "r.json", "--html", "r.html"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string page = dir.Read("r.html");
  ASSERT_FALSE(page.empty());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<g class=\"failbox\" data-step=\"3\">"), std::string::npos);
  EXPECT_NE(page.find("550 5.1.1 &lt;nobody@x&gt;: no such user"), std::string::npos);
  EXPECT_NE(page.find("smtp-harness run s --report r.json --html r.html"), std::string::npos);
  auto json = run_e2e::ParseJson(dir.Read("r.json"));
  EXPECT_EQ(json["command_line"], "smtp-harness run s --report r.json --html r.html");
  EXPECT_EQ(json["scenarios"][0]["transcript"][1]["step"], 1);  // EHLO x

  auto again = Report({dir.path() + "/r.json", "--html", dir.path() + "/again.html"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(dir.Read("again.html"), page);
  auto to_stdout = Report({dir.path() + "/r.json", "--html", "-"});
  EXPECT_EQ(to_stdout.exit_code, 0);
  EXPECT_EQ(to_stdout.out, page);
}

TEST(HtmlReportCli, ReportRefusesWhatIsNotAReport) {
  TempDir dir;
  dir.Write("bad.json", "{\"scenarios\": [");
  dir.Write("other.json", "{\"tool\": \"swaks\"}");
  auto r = Report({dir.path() + "/bad.json", "--html", dir.path() + "/x.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("smtp-harness report: " + dir.path() + "/bad.json: not a JSON report"),
            std::string::npos)
      << r.err;
  r = Report({dir.path() + "/other.json", "--html", dir.path() + "/x.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not an smtp-harness report"), std::string::npos) << r.err;
  r = Report({dir.path() + "/missing.json", "--html", dir.path() + "/x.html"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot read " + dir.path() + "/missing.json"), std::string::npos) << r.err;
  EXPECT_FALSE(dir.Exists("x.html"));
  r = Report({dir.path() + "/bad.json"});  // --html is required
  EXPECT_EQ(r.exit_code, 2);
}

// run checks --html as it checks --report: before anything runs (exit 2,
// nothing written); `report`, which has nothing to run, says exit 3.
TEST(HtmlReportCli, UnwritablePageIsRefusedBeforeTheRun) {
  TempDir dir;
  dir.Write("s/rejected.yaml", kRejected);
  auto r = RunHarness({"s", "--report", "r.json", "--html", "/nonexistent-dir/r.html"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("cannot write HTML report (--html) to /nonexistent-dir/r.html"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(dir.Exists("r.json"));  // nothing ran
  r = RunHarness({"s", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the scenario fails; r.json for `report` below
  auto rep = Report({dir.path() + "/r.json", "--html", "/nonexistent-dir/r.html"});
  EXPECT_EQ(rep.exit_code, 3);
  // "-" is standard output for --html too: the page alone there, the
  // failure on stderr (as with --report -).
  r = RunHarness({"s", "--report", "r2.json", "--html", "-"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out.rfind("<!DOCTYPE html>", 0), 0u) << r.out.substr(0, 200);
  EXPECT_NE(r.err.find("550 5.1.1 <nobody@x>: no such user"), std::string::npos) << r.err;
  r = RunHarness({"s", "--gradescope-format", "pdf"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(HtmlReportCli, GradescopeFormatHtml) {
  TempDir dir;
  dir.Write("s/rejected.yaml", kRejected);
  auto r =
      RunHarness({"s", "--gradescope", "g.json", "--gradescope-format", "html"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  auto g = run_e2e::ParseJson(dir.Read("g.json"));
  ASSERT_EQ(g["tests"].size(), 1u);
  EXPECT_EQ(g["tests"][0]["output_format"], "html");
  std::string out = g["tests"][0]["output"];
  EXPECT_NE(out.find("<svg class=\"seq\""), std::string::npos);
  EXPECT_NE(out.find("&lt;nobody@x&gt;"), std::string::npos);
}

}  // namespace
}  // namespace smtp
