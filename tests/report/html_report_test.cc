#include "harness/report/html_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "harness/regex/regex.h"
#include "harness/report/gradescope_report.h"
#include "harness/report/html_run_page.h"
#include "harness/report/json_report.h"
#include "harness/report/load_report.h"
#include "harness/util/utf8.h"
#include "tests/report/report_fixtures.h"

namespace smtp {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) {
    ++n;
  }
  return n;
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

// What a peer, a client under test or a scenario author might put in any
// field: markup, quotes that would end an attribute, the end of the SVG,
// and bytes that are not UTF-8 (a lone 0xFF, a truncated sequence, an
// overlong '<').
const std::string kEvil =
    "<script>alert(1)</script>\"'><b id=\"pwn\">x</b></svg></details><img src=x onerror=alert(2)>"
    "\xff\xe2\x9c\xc0\xbc&amp;\r\n\x01";

// Every tag and attribute name in the page must be one the writer uses:
// anything else would be peer text that became markup.
void ExpectOnlyOurMarkup(const std::string& page) {
  static const std::set<std::string> kTags = {
      "!doctype", "html",  "head", "meta", "title", "style",   "body",    "header",
      "h1",       "h2",    "h3",   "h4",   "main",  "section", "div",     "span",
      "p",        "table", "tr",   "th",   "td",    "details", "summary", "a",
      "code",     "pre",   "dl",   "dt",   "dd",    "footer",  "br",      "strong",
      "svg",      "g",     "rect", "text", "tspan", "line",    "path",    "polyline"};
  static const std::set<std::string> kAttrs = {
      "lang",        "charset",     "name",       "content",      "http-equiv",
      "class",       "id",          "open",       "href",         "title",
      "colspan",     "data-step",   "data-rfc",   "data-section", "xmlns",
      "xml:space",   "width",       "height",     "viewbox",      "font-family",
      "font-size",   "fill",        "role",       "aria-label",   "x",
      "y",           "rx",          "stroke",     "stroke-width", "stroke-dasharray",
      "text-anchor", "font-weight", "font-style", "x1",           "y1",
      "x2",          "y2",          "d",          "points",       "transform"};
  auto tag = Regex::Compile(R"(<(/?)([!A-Za-z][-A-Za-z0-9:]*)([^>]*)>)");
  auto attr = Regex::Compile(R"re(\s([-A-Za-z:]+)(="[^"]*")?)re");
  ASSERT_TRUE(tag.ok() && attr.ok());
  for (size_t at = 0;;) {
    auto it = tag->Find(page, at);
    ASSERT_TRUE(it.ok()) << it.status().message();
    if (!it->has_value()) break;
    const Regex::Match& t = **it;
    at = t.end;
    std::string name = *t.groups[2];
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(kTags.count(name)) << "unexpected tag <" << name << ">";
    if (name == "!doctype" || *t.groups[1] == "/") continue;
    const std::string attrs = *t.groups[3];
    for (size_t a_at = 0;;) {
      auto a = attr->Find(attrs, a_at);
      ASSERT_TRUE(a.ok()) << a.status().message();
      if (!a->has_value()) break;
      a_at = (*a)->end;
      std::string an = *(*a)->groups[1];
      for (char& c : an) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_TRUE(kAttrs.count(an)) << "unexpected attribute " << an << " in <" << name << ">";
    }
  }
  EXPECT_EQ(page.find("<script"), std::string::npos);
  EXPECT_EQ(page.find("<b id"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(Count(page, "<svg"), Count(page, "</svg>"));
  EXPECT_EQ(Count(page, "<details"), Count(page, "</details>"));
  EXPECT_TRUE(ValidUtf8(page));
}

ScenarioResult EvilScenario(const std::string& mode) {
  ScenarioResult sc = testing::FailedScenario();
  sc.name = kEvil;
  sc.file = kEvil;
  sc.description = kEvil;
  sc.tags = {kEvil};
  sc.rfc = {"5321 " + kEvil};
  sc.mode = mode;
  sc.target = kEvil;
  sc.skip_reason = kEvil;
  sc.failure->expected = kEvil;
  sc.failure->actual = kEvil;
  sc.failure->message = kEvil;
  for (auto& st : sc.steps) {
    st.kind = kEvil;
    st.name = kEvil;
    st.sent = kEvil;
    st.expected = kEvil;
    st.received = kEvil;
    st.message = kEvil;
    st.points = 1;
    st.points_earned = 0;
  }
  sc.transcript.clear();
  int step = 0;
  for (char dir : {'S', 'C', 'S', '*', 'C'}) {
    TranscriptEntry e{0.5, dir, kEvil};
    e.step = step++ % 3;
    sc.transcript.push_back(e);
  }
  for (int i = 0; i < 20; ++i) sc.transcript.push_back({1.0, 'C', kEvil, 1});  // a fold
  ClientProcessResult client;
  client.command = kEvil;
  client.exit_code = 1;
  client.stdout_text = kEvil;
  client.stderr_text = kEvil;
  client.received_bytes = kEvil;
  sc.client = client;
  sc.score = 0;
  sc.max_score = 3;
  return sc;
}

RunResult EvilRun() {
  RunResult run;
  run.started_at = kEvil;
  run.command_line = kEvil;
  run.scenarios = {EvilScenario("client"), EvilScenario("server")};
  run.scenarios[1].status = Verdict::kError;
  return run;
}

TEST(HtmlReport, NothingFromAnyFieldBecomesMarkup) {
  auto page = RenderHtmlReport(RenderJsonReport(EvilRun()));
  ASSERT_TRUE(page.ok()) << page.status().message();
  ExpectOnlyOurMarkup(*page);
  // The text is there, escaped.
  EXPECT_NE(page->find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&gt;&lt;b id=&quot;pwn"),
            std::string::npos);
  EXPECT_NE(page->find("&lt;/svg&gt;&lt;/details&gt;"), std::string::npos);
}

TEST(HtmlReport, NothingFromALoadReportBecomesMarkup) {
  LoadRunResult load;
  load.scenario = load.file = load.target = load.started_at = load.command_line = kEvil;
  load.ok = 3;
  load.failed = 1;
  load.duration_ms = 1000;
  load.session.Record(1'000'000);
  load.connect.Record(100'000);
  LoadStepStats st;
  st.label = kEvil;
  st.latency.Record(500'000);
  load.steps.push_back(st);
  load.failures.push_back({1, 7, kEvil, kEvil, kEvil, 1, kEvil});
  load.timeline = {{0, 0, 0, 0}, {0.5, 2, 1, 0}, {1.0, 4, 1, 0}};
  auto page = RenderHtmlReport(RenderLoadJsonReport(load));
  ASSERT_TRUE(page.ok()) << page.status().message();
  ExpectOnlyOurMarkup(*page);
}

TEST(HtmlReport, GradescopeHtmlOutputEscapesEveryField) {
  // This path hands the writer the results directly (not re-parsed JSON), so
  // the bytes that are not UTF-8 reach the escaping itself.
  nlohmann::json j =
      nlohmann::json::parse(RenderGradescopeReport(EvilRun(), GradescopeFormat::kHtml));
  ASSERT_FALSE(j["tests"].empty());
  for (const auto& t : j["tests"]) {
    EXPECT_EQ(t["output_format"], "html");
    ExpectOnlyOurMarkup(t["output"].get<std::string>());
  }
  EXPECT_EQ(j["output_format"], "html");
  ExpectOnlyOurMarkup(j["output"].get<std::string>());
  EXPECT_NE(j["output"].get<std::string>().find("<svg class=\"seq\""), std::string::npos);
}

TEST(HtmlReport, GradescopeTextOutputStaysText) {
  nlohmann::json j = nlohmann::json::parse(RenderGradescopeReport(testing::SampleRun()));
  EXPECT_FALSE(j["tests"][0].contains("output_format"));
  EXPECT_EQ(j["tests"][1]["output"].get<std::string>().find("<svg"), std::string::npos);
}

TEST(HtmlReport, GradescopeHtmlCarriesTheDiagramPerScenario) {
  nlohmann::json j =
      nlohmann::json::parse(RenderGradescopeReport(testing::SampleRun(), GradescopeFormat::kHtml));
  std::string failed = j["tests"][1]["output"];
  EXPECT_NE(failed.find("<svg class=\"seq\""), std::string::npos);
  EXPECT_NE(failed.find("class=\"failbox\""), std::string::npos);
  EXPECT_NE(failed.find("No such user"), std::string::npos);
}

TEST(HtmlReport, RunPageHasSummaryTableMatrixAndDiagrams) {
  RunResult run = testing::SampleRun();
  run.command_line = "smtp-harness run scenarios/";
  auto page = RenderHtmlReport(RenderJsonReport(run));
  ASSERT_TRUE(page.ok());
  const std::string& p = *page;
  EXPECT_EQ(p.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(p.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
  EXPECT_EQ(p.find("<script"), std::string::npos);
  // Self-contained: nothing to fetch.
  for (const char* fetch : {" src=", "url(", "@import", "<link", "<img", "<iframe"}) {
    EXPECT_EQ(p.find(fetch), std::string::npos) << fetch;
  }
  EXPECT_NE(p.find("<code class=\"cmdline\">smtp-harness run scenarios/</code>"),
            std::string::npos);
  EXPECT_NE(p.find("<a href=\"#sc-2\">reject &lt;rcpt&gt; &amp; co</a>"), std::string::npos);
  EXPECT_NE(p.find("<details class=\"scenario failed\" id=\"sc-2\" open>"), std::string::npos);
  EXPECT_NE(p.find("<details class=\"scenario passed\" id=\"sc-1\">"), std::string::npos);
  EXPECT_EQ(Count(p, "<svg class=\"seq\""), 3u);
  // The matrix: 5321 4.1.4 has the passing and the failing scenario.
  EXPECT_NE(p.find("<section id=\"conformance\">"), std::string::npos);
  EXPECT_NE(p.find("data-rfc=\"5321\" data-section=\"4.1.4\""), std::string::npos);
  EXPECT_NE(p.find("<a class=\"cell failed\" href=\"#sc-2\""), std::string::npos);
  EXPECT_NE(p.find("<a class=\"cell skipped\" href=\"#sc-3\""), std::string::npos);
  EXPECT_EQ(p.find("<section id=\"grade\">"), std::string::npos);  // nothing graded
}

TEST(HtmlReport, GradePageShowsPointsAndClientOutput) {
  RunResult run;
  ScenarioResult sc = testing::FailedScenario();
  sc.mode = "server";
  sc.steps[0].points = 2;
  sc.steps[0].points_earned = 2;
  sc.steps[1].points = 3;
  sc.steps[1].points_earned = 0;
  sc.steps[1].name = "RCPT accepted";
  sc.score = 2;
  sc.max_score = 5;
  ClientProcessResult c;
  c.command = "python3 client.py";
  c.exit_code = 0;
  c.stdout_text = "sent!\n";
  sc.client = c;
  run.scenarios = {sc};
  auto page = RenderHtmlReport(RenderJsonReport(run));
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("<section id=\"grade\">"), std::string::npos);
  EXPECT_NE(page->find("<p class=\"score\">2 / 5 points</p>"), std::string::npos);
  EXPECT_NE(page->find("<tr class=\"check failed\"><td>RCPT accepted</td><td class=\"num\">0 / 3"),
            std::string::npos);
  EXPECT_NE(page->find("<pre class=\"out\">sent!\n</pre>"), std::string::npos);
  EXPECT_NE(page->find("exit status 0"), std::string::npos);
}

TEST(HtmlReport, BigRunsDrawOnlySomePassingScenarios) {
  RunResult run;
  for (int i = 0; i < 70; ++i) run.scenarios.push_back(testing::PassedScenario());
  run.scenarios.push_back(testing::FailedScenario());
  auto page = RenderHtmlReport(RenderJsonReport(run));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Count(*page, "<svg class=\"seq\""), html::kMaxPassingDiagrams + 1);
  EXPECT_EQ(Count(*page, "<details class=\"transcript\">"), 70 - html::kMaxPassingDiagrams);
  EXPECT_NE(page->find("20 scenarios are shown without a diagram (the first 20 with"),
            std::string::npos);
}

TEST(HtmlReport, VeryBigRunsSummariseTheRestInOneLine) {
  RunResult run;
  size_t n = html::kMaxPassingDiagrams + html::kMaxPlainTranscripts + 30;
  for (size_t i = 0; i < n; ++i) run.scenarios.push_back(testing::PassedScenario());
  auto page = RenderHtmlReport(RenderJsonReport(run));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Count(*page, "<svg class=\"seq\""), html::kMaxPassingDiagrams);
  EXPECT_EQ(Count(*page, "<details class=\"transcript\">"), html::kMaxPlainTranscripts);
  EXPECT_EQ(Count(*page, "2 transcript lines, the last C: <code class=\"wire\">EHLO x</code>"),
            30u);
  EXPECT_EQ(Count(*page, "<details class=\"scenario passed\""), n);
}

TEST(HtmlReport, LoadPageHasChartsAndPercentiles) {
  LoadRunResult load;
  load.scenario = "basic_send";
  load.target = "fake";
  load.ok = 100;
  load.duration_ms = 2000;
  for (int i = 1; i <= 100; ++i) load.session.Record(static_cast<uint64_t>(i) * 100'000);
  load.connect.Record(50'000);
  for (int i = 0; i <= 20; ++i) {
    load.timeline.push_back({i * 0.1, static_cast<uint64_t>(i * 5), 0, 0});
  }
  auto page = RenderHtmlReport(RenderLoadJsonReport(load));
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("smtp-harness load report"), std::string::npos);
  EXPECT_NE(page->find("<svg class=\"chart throughput\""), std::string::npos);
  EXPECT_NE(page->find("<polyline class=\"series\""), std::string::npos);
  EXPECT_NE(page->find("<svg class=\"chart latency-session\""), std::string::npos);
  EXPECT_GT(Count(*page, "<rect class=\"bar\""), 10u);
  EXPECT_EQ(Count(*page, "<g class=\"marker\">"), 6u);  // p50/p90/p99 twice
  EXPECT_NE(page->find("<table class=\"percentiles\">"), std::string::npos);
}

TEST(HtmlReport, RejectsWhatIsNotAReport) {
  auto bad = RenderHtmlReport("{\"scenarios\": [}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("not a JSON report"), std::string::npos);
  auto other = RenderHtmlReport("{\"tool\": \"something else\"}");
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("not an smtp-harness report"), std::string::npos);
}

TEST(HtmlReport, ToleratesOddlyShapedReports) {
  // Wrong types and missing fields read as defaults; nothing throws.
  auto page = RenderHtmlReport(
      R"({"tool": "smtp-harness", "scenarios": [{"name": 5, "status": "weird", "steps": 3,
          "transcript": [{"dir": "C"}, {"dir": "XY", "text": "x"}, 7],
          "failure": {"step": "x"}, "client": {"exit_code": "0"}}],
          "conformance": [{"rfc": 5321, "sections": [{"scenarios": [1, "a"]}]}]})");
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_NE(page->find("not run"), std::string::npos);
}

}  // namespace
}  // namespace smtp
