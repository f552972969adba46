#include "harness/report/load_report.h"

#include <nlohmann/json.hpp>

#include "harness/report/report_file.h"

#ifndef SMTP_HARNESS_VERSION
#define SMTP_HARNESS_VERSION "0.0.0"
#endif

namespace smtp {
namespace {

using nlohmann::ordered_json;

double Ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

ordered_json HistogramJson(const LatencyHistogram& h, bool with_buckets = false) {
  ordered_json j = {{"count", h.count()},
                    {"min_ms", Ms(h.min())},
                    {"mean_ms", h.mean() / 1e6},
                    {"p50_ms", Ms(h.ValueAtPercentile(50))},
                    {"p90_ms", Ms(h.ValueAtPercentile(90))},
                    {"p99_ms", Ms(h.ValueAtPercentile(99))},
                    {"max_ms", Ms(h.max())}};
  if (with_buckets) {
    // [lowest_ms, highest_ms, count] per non-empty bucket (each within 1.6%
    // of its values), so a report can draw the distribution.
    ordered_json buckets = ordered_json::array();
    for (const auto& b : h.NonEmptyBuckets()) {
      buckets.push_back({Ms(b.lowest), Ms(b.highest), b.count});
    }
    j["buckets"] = std::move(buckets);
  }
  return j;
}

}  // namespace

std::string RenderLoadJsonReport(const LoadRunResult& r) {
  ordered_json j;
  j["tool"] = "smtp-harness";
  j["version"] = SMTP_HARNESS_VERSION;
  j["started_at"] = r.started_at;
  j["duration_ms"] = r.duration_ms;
  if (!r.command_line.empty()) j["command_line"] = r.command_line;
  j["summary"] = {
      {"total", r.sessions_done()}, {"passed", r.ok}, {"failed", r.failed}, {"errors", r.errors}};
  ordered_json load;
  load["scenario"] = r.scenario;
  load["file"] = r.file;
  load["target"] = r.target;
  ordered_json config = {{"sessions", r.sessions_planned},
                         {"duration_s", r.duration_limit_s},
                         {"concurrency", r.concurrency},
                         {"threads", r.threads},
                         {"rate", r.rate},
                         {"reuse", r.reuse}};
  load["config"] = config;
  load["sessions"] = {
      {"total", r.sessions_done()}, {"ok", r.ok}, {"failed", r.failed}, {"errors", r.errors}};
  load["interrupted"] = r.interrupted;
  load["connections"] = r.connections;
  load["messages"] = r.messages;
  load["sessions_per_second"] = r.sessions_per_second();
  load["messages_per_second"] = r.messages_per_second();
  load["latency"]["connect"] = HistogramJson(r.connect, true);
  load["latency"]["session"] = HistogramJson(r.session, true);
  load["latency"]["steps"] = ordered_json::array();
  for (const auto& s : r.steps) {
    ordered_json sj = {{"index", s.index}, {"line", s.line}, {"label", s.label}};
    sj.update(HistogramJson(s.latency));
    load["latency"]["steps"].push_back(sj);
  }
  load["failures"] = ordered_json::array();
  for (const auto& f : r.failures) {
    load["failures"].push_back({{"step", f.step},
                                {"line", f.line},
                                {"kind", f.kind},
                                {"expected", f.expected},
                                {"actual", f.actual},
                                {"count", f.count},
                                {"example", f.example}});
  }
  load["timeline"] = ordered_json::array();
  for (const auto& t : r.timeline) {
    load["timeline"].push_back(
        {{"t_s", t.t_s}, {"done", t.done}, {"failed", t.failed}, {"errors", t.errors}});
  }
  j["load"] = load;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status WriteLoadJsonReport(const LoadRunResult& load, const std::string& path) {
  return WriteReportFile(path, RenderLoadJsonReport(load), "JSON report");
}

}  // namespace smtp
