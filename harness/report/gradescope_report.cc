#include "harness/report/gradescope_report.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "harness/report/html_escape.h"
#include "harness/report/html_scenario.h"
#include "harness/report/report_file.h"
#include "harness/report/scenario_json.h"
#include "harness/report/transcript_text.h"

namespace smtp {
namespace {

using nlohmann::ordered_json;

// Client output shown to students is capped: the full text is in the JSON
// report, and a chatty client should not bury the verdicts.
constexpr size_t kMaxClientOutput = 8 * 1024;

std::string Capped(const std::string& text) {
  if (text.size() <= kMaxClientOutput) return text;
  return text.substr(0, kMaxClientOutput) + "\n[... " +
         std::to_string(text.size() - kMaxClientOutput) + " more bytes not shown]";
}

std::string ScenarioOutput(const ScenarioResult& sc) {
  std::string out;
  out += std::string("status: ") + VerdictName(sc.status) + "\n";
  if (sc.failure) {
    out += sc.failure->message + "\n";
    out += "expected: " + sc.failure->expected + "\n";
    out += "actual:   " + sc.failure->actual + "\n";
  }
  if (!sc.skip_reason.empty()) out += "skipped: " + sc.skip_reason + "\n";
  if (sc.client) {
    if (sc.client->exit_code)
      out += "client exit code: " + std::to_string(*sc.client->exit_code) + "\n";
    if (sc.client->timed_out) out += "client timed out\n";
    if (!sc.client->stdout_text.empty())
      out += "client stdout:\n" + Capped(sc.client->stdout_text) + "\n";
    if (!sc.client->stderr_text.empty())
      out += "client stderr:\n" + Capped(sc.client->stderr_text) + "\n";
  }
  out += "transcript:\n" + FormatTranscript(sc.transcript);
  return out;
}

// The scenario for a student, as HTML: its failure, sequence diagram and
// the client's output (escaped; the same fragment the HTML page shows).
std::string ScenarioOutputHtml(const ScenarioResult& sc, size_t index) {
  html::ScenarioHtmlOptions o;
  o.id = "gs-" + std::to_string(index + 1);
  return "<div class=\"smtp-harness\"><p><strong>status: " + std::string(VerdictName(sc.status)) +
         "</strong></p>" + html::RenderScenarioBody(ScenarioToJson(sc), o) + "</div>";
}

std::string StepOutputHtml(const StepResult& st) {
  std::string s =
      std::string("<p><strong>step status: ") + VerdictName(st.status) + "</strong></p>";
  if (!st.message.empty()) s += "<p>" + HtmlEscape(st.message) + "</p>";
  s += "<table><tr><th>expected</th><td><code>" + HtmlWire(st.expected, Markup::kHtml) +
       "</code></td></tr><tr><th>received</th><td><code>" + HtmlWire(st.received, Markup::kHtml) +
       "</code></td></tr></table>";
  return s;
}

// Scores to 2 decimals: 10 points over 7 steps is 1.43, not 1.4285714285714286.
double Round2(double x) { return std::round(x * 100.0) / 100.0; }

// A skipped test (the server lacks what it `requires:`) is worth nothing
// either way: max_score 0 and no "failed" status, so it neither fails the
// student nor counts against the total.
ordered_json Test(const std::string& name, double score, double max_score, Verdict verdict,
                  const std::string& output, GradescopeFormat format) {
  bool skipped = verdict == Verdict::kSkipped;
  ordered_json t;
  t["name"] = name + (skipped ? " (skipped)" : "");
  t["score"] = skipped ? 0.0 : Round2(score);
  t["max_score"] = skipped ? 0.0 : Round2(max_score);
  t["status"] = verdict == Verdict::kPassed || skipped ? "passed" : "failed";
  t["output"] = output;
  if (format == GradescopeFormat::kHtml) t["output_format"] = "html";
  t["visibility"] = "visible";
  return t;
}

}  // namespace

std::string RenderGradescopeReport(const RunResult& run, GradescopeFormat format) {
  const bool html = format == GradescopeFormat::kHtml;
  ordered_json tests = ordered_json::array();
  double total = 0;
  std::string overall;  // shown once above the tests: the scenario's whole story
  for (size_t index = 0; index < run.scenarios.size(); ++index) {
    const ScenarioResult& sc = run.scenarios[index];
    bool step_points = false;
    for (const auto& st : sc.steps) step_points = step_points || st.points.has_value();
    if (step_points) {
      overall += html ? "<h3>" + HtmlEscape(sc.name) + "</h3>" + ScenarioOutputHtml(sc, index)
                      : "== " + sc.name + "\n" + ScenarioOutput(sc) + "\n";
      for (const auto& st : sc.steps) {
        if (!st.points) continue;
        double earned = st.points_earned.value_or(st.status == Verdict::kPassed ? *st.points : 0);
        std::string name =
            sc.name + ": " +
            (st.name.empty() ? "step " + std::to_string(st.index) + " (" + st.kind + ")" : st.name);
        std::string step_out = std::string("step status: ") + VerdictName(st.status) + "\n";
        if (!st.message.empty()) step_out += st.message + "\n";
        step_out += "expected: " + st.expected + "\nreceived: " + st.received + "\n";
        if (html) step_out = StepOutputHtml(st);
        Verdict v = sc.status == Verdict::kSkipped ? Verdict::kSkipped : st.status;
        tests.push_back(Test(name, earned, *st.points, v, step_out, format));
        if (v != Verdict::kSkipped) total += earned;
      }
      continue;
    }
    double max_score = sc.max_score.value_or(1.0);
    double score = sc.score.value_or(sc.status == Verdict::kPassed ? max_score : 0.0);
    tests.push_back(Test(sc.name, score, max_score, sc.status,
                         html ? ScenarioOutputHtml(sc, index) : ScenarioOutput(sc), format));
    if (sc.status != Verdict::kSkipped) total += score;
  }
  ordered_json j;
  j["score"] = Round2(total);
  j["execution_time"] = run.duration_ms / 1000.0;
  if (!overall.empty()) {
    j["output"] = overall;
    if (html) j["output_format"] = "html";
  }
  j["visibility"] = "visible";
  j["tests"] = std::move(tests);
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status WriteGradescopeReport(const RunResult& run, const std::string& path,
                             GradescopeFormat format) {
  return WriteReportFile(path, RenderGradescopeReport(run, format), "Gradescope results");
}

}  // namespace smtp
