#include "harness/report/html_load_page.h"

#include <algorithm>
#include <cmath>

#include "harness/report/html_charts.h"
#include "harness/report/html_escape.h"
#include "harness/report/html_format.h"
#include "harness/report/html_page_shell.h"
#include "harness/report/html_scenario.h"

namespace smtp::html {
namespace {

constexpr size_t kMaxChartPoints = 200;
constexpr size_t kHistogramBins = 40;

// Sessions per second between samples of the cumulative timeline, merged so
// there are at most kMaxChartPoints points.
std::vector<ChartSeries> ThroughputSeries(const Json& timeline) {
  ChartSeries done{"sessions/s", "#1d4ed8", {}}, bad{"failed or errors/s", "#b91c1c", {}};
  size_t n = timeline.size();
  if (n < 2) return {};
  size_t stride = std::max<size_t>(1, (n + kMaxChartPoints - 1) / kMaxChartPoints);
  std::vector<size_t> at;
  for (size_t i = 0; i < n; i += stride) at.push_back(i);
  if (at.back() != n - 1) at.push_back(n - 1);
  bool any_bad = false;
  for (size_t m = 1; m < at.size(); ++m) {
    const Json& a = timeline[at[m - 1]];
    const Json& b = timeline[at[m]];
    double dt = Num(b, "t_s") - Num(a, "t_s");
    if (!(dt > 0)) continue;
    double t = Num(b, "t_s");
    done.points.push_back({t, std::max(0.0, Num(b, "done") - Num(a, "done")) / dt});
    double fb = Num(b, "failed") + Num(b, "errors") - Num(a, "failed") - Num(a, "errors");
    any_bad = any_bad || fb > 0;
    bad.points.push_back({t, std::max(0.0, fb) / dt});
  }
  if (done.points.size() < 2) return {};
  std::vector<ChartSeries> out{done};
  if (any_bad) out.push_back(bad);
  return out;
}

std::vector<HistogramBin> Buckets(const Json& histogram) {
  std::vector<HistogramBin> fine;
  for (const Json& b : Array(histogram, "buckets")) {
    if (!b.is_array() || b.size() != 3 || !b[0].is_number() || !b[1].is_number() ||
        !b[2].is_number()) {
      continue;
    }
    double lo = b[0].get<double>(), hi = b[1].get<double>();
    if (!(hi >= lo) || !(lo >= 0)) continue;
    fine.push_back({std::max(lo, 1e-6), std::max(hi, lo + 1e-6),
                    static_cast<uint64_t>(std::max(0.0, b[2].get<double>()))});
  }
  return LogRebin(fine, kHistogramBins);
}

std::string HistogramBlock(const char* title, const char* cls, const Json& h) {
  std::string s = std::string("<h3>") + title + "</h3>";
  if (Int(h, "count") == 0) return s + "<p class=\"note\">nothing recorded</p>";
  std::vector<ChartMarker> markers = {{"p50 " + FormatMs(Num(h, "p50_ms")), Num(h, "p50_ms")},
                                      {"p90 " + FormatMs(Num(h, "p90_ms")), Num(h, "p90_ms")},
                                      {"p99 " + FormatMs(Num(h, "p99_ms")), Num(h, "p99_ms")}};
  return s + HistogramSvg(cls, "milliseconds (log scale)", Buckets(h), markers);
}

std::string PercentileRow(const std::string& label, const Json& h) {
  std::string s = "<tr><td class=\"mono\">" + label + "</td><td class=\"num\">" +
                  std::to_string(Int(h, "count")) + "</td>";
  for (const char* k : {"min_ms", "mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"}) {
    s += "<td class=\"num\">" + FormatMs(Num(h, k)) + "</td>";
  }
  return s + "</tr>";
}

}  // namespace

std::string RenderLoadPage(const Json& report) {
  const Json& load = Field(report, "load");
  const Json& config = Field(load, "config");
  const Json& sessions = Field(load, "sessions");
  long long bad = Int(sessions, "failed") + Int(sessions, "errors");
  bool ok = bad == 0 && !Bool(load, "interrupted");
  std::string b;
  b += "<header class=\"top\"><h1>smtp-harness load report</h1>" +
       StatusBadge(ok ? "passed" : "failed", "verdict") + "<span class=\"meta\">" +
       HtmlEscape(Str(load, "scenario")) + " against " + HtmlEscape(Str(load, "target")) +
       "</span></header>\n<main><section id=\"summary\"><h2>Summary</h2><div class=\"tiles\">";
  auto tile = [](const char* cls, const char* label, const std::string& n) {
    return std::string("<div class=\"tile ") + cls + "\"><span class=\"n\">" + n + "</span>" +
           label + "</div>";
  };
  b += tile("passed", "sessions ok", std::to_string(Int(sessions, "ok")));
  b += tile("failed", "failed", std::to_string(Int(sessions, "failed")));
  b += tile("error", "errors", std::to_string(Int(sessions, "errors")));
  b += tile("rate", "sessions/s", FormatNumber(Num(load, "sessions_per_second"), 1));
  b += tile("rate", "messages/s", FormatNumber(Num(load, "messages_per_second"), 1));
  b += "</div><dl class=\"facts\">";
  b += "<dt>scenario</dt><dd>" + HtmlEscape(Str(load, "scenario")) + " (<code>" +
       HtmlEscape(Str(load, "file")) + "</code>)</dd>";
  b += "<dt>target</dt><dd class=\"mono\">" + HtmlEscape(Str(load, "target")) + "</dd>";
  b += "<dt>duration</dt><dd>" + FormatMs(Num(report, "duration_ms")) + "</dd>";
  b += "<dt>started</dt><dd>" + HtmlEscape(Str(report, "started_at")) + "</dd>";
  std::string asked = std::to_string(Int(config, "concurrency")) + " concurrent, " +
                      std::to_string(Int(config, "threads")) + " threads";
  if (Int(config, "sessions") > 0)
    asked = std::to_string(Int(config, "sessions")) + " sessions, " + asked;
  if (Num(config, "duration_s") > 0)
    asked = "for " + FormatNumber(Num(config, "duration_s")) + " s, " + asked;
  if (Num(config, "rate") > 0)
    asked += ", at most " + FormatNumber(Num(config, "rate")) + " sessions/s";
  if (Bool(config, "reuse")) asked += ", connections reused";
  b += "<dt>asked for</dt><dd>" + HtmlEscape(asked) + "</dd>";
  b += "<dt>connections</dt><dd>" + std::to_string(Int(load, "connections")) + "</dd>";
  b += "<dt>messages</dt><dd>" + std::to_string(Int(load, "messages")) + "</dd>";
  if (!Str(report, "command_line").empty()) {
    b += "<dt>command</dt><dd><code class=\"cmdline\">" + HtmlEscape(Str(report, "command_line")) +
         "</code></dd>";
  }
  b += "<dt>version</dt><dd>smtp-harness " + HtmlEscape(Str(report, "version")) + "</dd></dl>";
  if (Bool(load, "interrupted")) {
    b += "<p class=\"failure\">The load was interrupted: these figures cover what finished.</p>";
  }
  b += "</section>";

  b += "<section id=\"throughput\"><h2>Throughput over time</h2>";
  auto series = ThroughputSeries(Array(load, "timeline"));
  if (series.empty()) {
    b += "<p class=\"note\">The load lasted " + FormatMs(Num(report, "duration_ms")) +
         ": too short for a curve (the timeline is sampled every 100 ms). On average " +
         FormatNumber(Num(load, "sessions_per_second"), 1) + " sessions/s.</p>";
  } else {
    b += LineChartSvg("throughput", "seconds", "sessions per second", series);
  }
  b += "</section>";

  const Json& latency = Field(load, "latency");
  b += "<section id=\"latency\"><h2>Latency</h2>";
  b += HistogramBlock("Whole sessions", "latency-session", Field(latency, "session"));
  b += HistogramBlock("Connect", "latency-connect", Field(latency, "connect"));
  b += "<h3>Percentiles</h3><table class=\"percentiles\"><tr><th></th><th class=\"num\">count</th>"
       "<th class=\"num\">min</th><th class=\"num\">mean</th><th class=\"num\">p50</th>"
       "<th class=\"num\">p90</th><th class=\"num\">p99</th><th class=\"num\">max</th></tr>";
  b += PercentileRow("session", Field(latency, "session"));
  b += PercentileRow("connect", Field(latency, "connect"));
  for (const Json& st : Array(latency, "steps")) {
    b += PercentileRow("step " + std::to_string(Int(st, "index")) + " " +
                           HtmlWire(TruncateUtf8(Str(st, "label"), 80), Markup::kHtml),
                       st);
  }
  b += "</table></section>";

  const Json& failures = Array(load, "failures");
  if (!failures.empty()) {
    b += "<section id=\"failures\"><h2>Failures</h2><table class=\"failures\"><tr><th "
         "class=\"num\">sessions</th><th>kind</th><th class=\"num\">step</th><th "
         "class=\"num\">line</th><th>expected</th><th>actual</th></tr>";
    for (const Json& f : failures) {
      b += "<tr class=\"" + KnownStatus(Str(f, "kind") == "error" ? "error" : "failed") +
           "\"><td class=\"num\">" + std::to_string(Int(f, "count")) + "</td><td>" +
           HtmlEscape(Str(f, "kind")) + "</td><td class=\"num\">" + std::to_string(Int(f, "step")) +
           "</td><td class=\"num\">" + std::to_string(Int(f, "line")) + "</td><td class=\"mono\">" +
           HtmlWire(TruncateUtf8(Str(f, "expected"), 300), Markup::kHtml) +
           "</td><td class=\"mono\">" +
           HtmlWire(TruncateUtf8(Str(f, "actual"), 300), Markup::kHtml);
      if (!Str(f, "example").empty()) {
        b += "<details><summary>example</summary><pre class=\"out\">" +
             HtmlEscape(TruncateUtf8(Str(f, "example"), 8192)) + "</pre></details>";
      }
      b += "</td></tr>";
    }
    b += "</table></section>";
  }
  b += "</main>\n<footer>Made by smtp-harness " + HtmlEscape(Str(report, "version")) +
       " from its JSON report.</footer>";
  return PageShell(std::string("smtp-harness load: ") + (ok ? "all sessions passed" : "FAILURES") +
                       " (" + FormatNumber(Num(load, "sessions_per_second"), 1) + " sessions/s)",
                   b);
}

}  // namespace smtp::html
