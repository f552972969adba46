#include "harness/report/html_run_page.h"

#include <algorithm>
#include <map>
#include <set>

#include "harness/report/html_conformance.h"
#include "harness/report/html_escape.h"
#include "harness/report/html_format.h"
#include "harness/report/html_page_shell.h"
#include "harness/report/html_scenario.h"

namespace smtp::html {
namespace {

constexpr size_t kMaxTableMessageBytes = 200;

struct Counts {
  long long passed = 0, failed = 0, errors = 0, skipped = 0, not_run = 0;
  long long total() const { return passed + failed + errors + skipped + not_run; }
};

Counts CountStatuses(const Json& scenarios) {
  Counts c;
  for (const Json& sc : scenarios) {
    std::string s = KnownStatus(Str(sc, "status"));
    if (s == "passed") ++c.passed;
    if (s == "failed") ++c.failed;
    if (s == "error") ++c.errors;
    if (s == "skipped") ++c.skipped;
    if (s == "not_run") ++c.not_run;
  }
  return c;
}

std::string Tile(const char* cls, const char* label, long long n) {
  return std::string("<div class=\"tile ") + cls + "\"><span class=\"n\">" + std::to_string(n) +
         "</span>" + label + "</div>";
}

bool IsGraded(const Json& sc) {
  return Str(sc, "mode") == "server" || Field(sc, "client").is_object() ||
         Field(sc, "max_score").is_number();
}

std::string Summary(const Json& report, const Counts& c) {
  const Json& scenarios = Array(report, "scenarios");
  std::string s = "<section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">";
  s += Tile("passed", "passed", c.passed) + Tile("failed", "failed", c.failed) +
       Tile("error", "errors", c.errors) + Tile("skipped", "skipped", c.skipped);
  if (c.not_run) s += Tile("not_run", "not run", c.not_run);
  s += Tile("total", "scenarios", c.total()) + "</div>";
  long long noted = Int(Field(report, "summary"), "optional_mismatches");
  if (noted > 0) {
    s += "<p class=\"note\">" + std::to_string(noted) +
         " optional steps did not get what they expected (noted, not failed).</p>";
  }
  s += "<dl class=\"facts\"><dt>duration</dt><dd>" + FormatMs(Num(report, "duration_ms")) + "</dd>";
  s += "<dt>started</dt><dd>" + HtmlEscape(Str(report, "started_at")) + "</dd>";
  std::set<std::string> targets;
  for (const Json& sc : scenarios) targets.insert(Str(sc, "target"));
  std::string t;
  size_t shown = 0;
  for (const auto& x : targets) {
    if (shown++ == 5) {
      t += ", \xe2\x80\xa6";
      break;
    }
    t += (t.empty() ? "" : ", ") + x;
  }
  if (!t.empty()) s += "<dt>target</dt><dd class=\"mono\">" + HtmlEscape(t) + "</dd>";
  if (!Str(report, "command_line").empty()) {
    s += "<dt>command</dt><dd><code class=\"cmdline\">" + HtmlEscape(Str(report, "command_line")) +
         "</code></dd>";
  }
  s += "<dt>version</dt><dd>" + HtmlEscape(Str(report, "tool", "smtp-harness")) + " " +
       HtmlEscape(Str(report, "version")) + "</dd></dl>";
  if (Bool(report, "interrupted")) {
    s += "<p class=\"failure\">The run was interrupted: this report holds what finished.</p>";
  }
  return s + "</section>";
}

std::string ScenarioTable(const Json& scenarios, const std::vector<std::string>& ids) {
  std::string s =
      "<section id=\"scenario-table\"><h2>Scenarios</h2><table class=\"scenarios\">"
      "<tr><th class=\"num\">#</th><th>scenario</th><th>status</th><th>mode</th>"
      "<th class=\"num\">steps</th><th class=\"num\">time</th><th>failure</th></tr>";
  size_t i = 0;
  for (const Json& sc : scenarios) {
    std::string status = KnownStatus(Str(sc, "status"));
    long long passed_steps = 0, steps = 0;
    for (const Json& st : Array(sc, "steps")) {
      ++steps;
      if (Str(st, "status") == "passed") ++passed_steps;
    }
    std::string msg = Str(Field(sc, "failure"), "message");
    if (msg.empty()) msg = Str(sc, "skip_reason");
    std::string_view cut = TruncateUtf8(msg, kMaxTableMessageBytes);
    s += "<tr class=\"" + status + "\"><td class=\"num\">" + std::to_string(i + 1) +
         "</td><td><a href=\"#" + ids[i] + "\">" + HtmlEscape(Str(sc, "name")) + "</a></td><td>" +
         StatusBadge(status) + "</td><td>" + HtmlEscape(Str(sc, "mode")) +
         "</td><td class=\"num\">" + std::to_string(passed_steps) + "/" + std::to_string(steps) +
         "</td><td class=\"num\">" + FormatMs(Num(sc, "duration_ms")) + "</td><td class=\"msg\">" +
         HtmlEscape(cut) + (cut.size() < msg.size() ? "\xe2\x80\xa6" : "") + "</td></tr>";
    ++i;
  }
  return s + "</table></section>";
}

// The score and the points per check of server-mode scenarios (their
// conversation and the client's output are in the scenario's own section).
std::string GradeSection(const Json& scenarios, const std::vector<std::string>& ids) {
  std::string s;
  size_t i = 0;
  for (const Json& sc : scenarios) {
    const std::string& id = ids[i++];
    if (!IsGraded(sc)) continue;
    s += "<div class=\"grade\"><h3><a href=\"#" + id + "\">" + HtmlEscape(Str(sc, "name")) +
         "</a> " + StatusBadge(Str(sc, "status")) + "</h3>";
    if (Field(sc, "max_score").is_number()) {
      s += "<p class=\"score\">" + FormatNumber(Num(sc, "score")) + " / " +
           FormatNumber(Num(sc, "max_score")) + " points</p>";
    }
    std::string rows;
    for (const Json& st : Array(sc, "steps")) {
      if (!Field(st, "points").is_number()) continue;
      std::string name = Str(st, "name");
      if (name.empty()) {
        name = "step " + std::to_string(Int(st, "index")) + " (" + Str(st, "kind") + ")";
      }
      std::string status = KnownStatus(Str(st, "status"));
      rows += "<tr class=\"check " + status + "\"><td>" + HtmlEscape(name) +
              "</td><td class=\"num\">" + FormatNumber(Num(st, "points_earned")) + " / " +
              FormatNumber(Num(st, "points")) + "</td><td>" + StatusBadge(status) +
              "</td><td class=\"mono\">" +
              HtmlWire(TruncateUtf8(Str(st, "message"), 300), Markup::kHtml) + "</td></tr>";
    }
    if (!rows.empty()) {
      s += "<table class=\"points\"><tr><th>check</th><th class=\"num\">points</th><th>status"
           "</th><th>why</th></tr>" +
           rows + "</table>";
    }
    if (Field(sc, "client").is_object()) {
      s += "<p class=\"note\">The conversation and the client's output: <a href=\"#" + id +
           "\">below</a>.</p>";
    }
    s += "</div>";
  }
  if (s.empty()) return "";
  return "<section id=\"grade\"><h2>Grade</h2>" + s + "</section>";
}

}  // namespace

std::string RenderRunPage(const Json& report) {
  const Json& scenarios = Array(report, "scenarios");
  Counts c = CountStatuses(scenarios);
  bool ok = c.failed == 0 && c.errors == 0 && !Bool(report, "interrupted");
  std::vector<std::string> ids;
  std::map<std::string, ScenarioRef> refs;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    ids.push_back("sc-" + std::to_string(i + 1));
    refs.try_emplace(Str(scenarios[i], "name"),
                     ScenarioRef{ids.back(), Str(scenarios[i], "status")});
  }
  bool graded = false;
  for (const Json& sc : scenarios) graded = graded || IsGraded(sc);

  std::string b;
  b += "<header class=\"top\"><h1>smtp-harness " + std::string(graded ? "grade" : "run") +
       " report</h1>" + StatusBadge(ok ? "passed" : "failed", "verdict") + "<span class=\"meta\">" +
       std::to_string(c.passed) + " passed, " + std::to_string(c.failed) + " failed, " +
       std::to_string(c.errors) + " errors, " + std::to_string(c.skipped) +
       " skipped</span></header>\n<main>";
  b += Summary(report, c);
  b += ScenarioTable(scenarios, ids);
  b += RenderConformanceMatrix(report, refs);
  b += GradeSection(scenarios, ids);
  b += "<section id=\"details\"><h2>Conversations</h2>";
  size_t passing_drawn = 0, failing_drawn = 0, summarised = 0, plain = 0, opened = 0;
  for (size_t i = 0; i < scenarios.size(); ++i) {
    const Json& sc = scenarios[i];
    std::string status = KnownStatus(Str(sc, "status"));
    bool bad = status == "failed" || status == "error";
    ScenarioHtmlOptions o;
    o.id = ids[i];
    // Open (laid out and painted at once) only the first failures: a page
    // of a thousand open diagrams takes a browser seconds.
    o.open = bad && opened++ < kMaxOpenFailures;
    size_t& drawn = bad ? failing_drawn : passing_drawn;
    o.diagram = drawn < (bad ? kMaxFailingDiagrams : kMaxPassingDiagrams);
    if (o.diagram) {
      ++drawn;
    } else {
      ++summarised;
      o.transcript = plain++ < kMaxPlainTranscripts;
    }
    b += RenderScenarioSection(sc, o);
  }
  if (summarised) {
    b += "<p class=\"note\">" + std::to_string(summarised) +
         " scenarios are shown without a diagram (the first " +
         std::to_string(std::min(summarised, kMaxPlainTranscripts)) +
         " with their first transcript lines) to keep this page small; the JSON report has "
         "every line.</p>";
  }
  b += "</section></main>\n<footer>Made by smtp-harness " + HtmlEscape(Str(report, "version")) +
       " from its JSON report. Bytes from the wire are escaped: <span class=\"ctl\">\\r</span> "
       "a carriage return, <span class=\"ctl\">\\n</span> a line feed, "
       "<span class=\"ctl\">\\0</span> a NUL.</footer>";
  std::string title = std::string("smtp-harness: ") + (ok ? "passed" : "FAILED") + " (" +
                      std::to_string(c.passed) + "/" + std::to_string(c.total()) + " passed)";
  return PageShell(title, b);
}

}  // namespace smtp::html
