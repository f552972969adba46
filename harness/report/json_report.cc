#include "harness/report/json_report.h"

#include <nlohmann/json.hpp>

#include "harness/report/conformance.h"
#include "harness/report/report_file.h"
#include "harness/report/scenario_json.h"

#ifndef SMTP_HARNESS_VERSION
#define SMTP_HARNESS_VERSION "0.0.0"
#endif

namespace smtp {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json CountsJson(const ConformanceCounts& c) {
  return {{"passed", c.passed}, {"failed", c.failed}, {"errors", c.errors}, {"skipped", c.skipped}};
}

ordered_json StepJson(const StepResult& st) {
  ordered_json j;
  j["index"] = st.index;
  j["line"] = st.line;
  j["kind"] = st.kind;
  if (!st.name.empty()) j["name"] = st.name;
  j["sent"] = st.sent;
  j["expected"] = st.expected;
  j["received"] = st.received;
  j["status"] = VerdictName(st.status);
  j["duration_ms"] = st.duration_ms;
  if (!st.message.empty()) j["message"] = st.message;
  if (st.optional_mismatch) j["optional_mismatch"] = true;
  if (st.points) j["points"] = *st.points;
  if (st.points_earned) j["points_earned"] = *st.points_earned;
  return j;
}

ordered_json ScenarioJson(const ScenarioResult& sc) {
  ordered_json j;
  j["name"] = sc.name;
  j["file"] = sc.file;
  if (!sc.description.empty()) j["description"] = sc.description;
  if (!sc.tags.empty()) j["tags"] = sc.tags;
  if (!sc.rfc.empty()) j["rfc"] = sc.rfc;
  j["mode"] = sc.mode;
  j["target"] = sc.target;
  j["status"] = VerdictName(sc.status);
  j["duration_ms"] = sc.duration_ms;
  if (!sc.skip_reason.empty()) j["skip_reason"] = sc.skip_reason;
  if (sc.failure) {
    const auto& f = *sc.failure;
    j["failure"] = {{"step", f.step},
                    {"line", f.line},
                    {"expected", f.expected},
                    {"actual", f.actual},
                    {"message", f.message}};
  }
  j["steps"] = ordered_json::array();
  for (const auto& st : sc.steps) j["steps"].push_back(StepJson(st));
  j["transcript"] = ordered_json::array();
  for (const auto& e : sc.transcript) {
    ordered_json ej = {{"t_ms", e.t_ms}, {"dir", std::string(1, e.dir)}, {"text", e.text}};
    if (e.step >= 0) ej["step"] = e.step;
    j["transcript"].push_back(std::move(ej));
  }
  if (sc.client) {
    const auto& c = *sc.client;
    ordered_json cj;
    cj["command"] = c.command;
    cj["exit_code"] = c.exit_code ? json(*c.exit_code) : json(nullptr);
    if (c.signal) cj["signal"] = *c.signal;
    if (c.timed_out) cj["timed_out"] = true;
    cj["stdout"] = c.stdout_text;
    cj["stderr"] = c.stderr_text;
    cj["received_bytes"] = c.received_bytes;
    if (!c.containment.empty()) cj["containment"] = c.containment;
    if (c.left_running > 0) cj["left_running"] = c.left_running;
    j["client"] = std::move(cj);
  }
  if (sc.score) j["score"] = *sc.score;
  if (sc.max_score) j["max_score"] = *sc.max_score;
  return j;
}

}  // namespace

ordered_json ScenarioToJson(const ScenarioResult& scenario) { return ScenarioJson(scenario); }

std::string RenderJsonReport(const RunResult& run) {
  ordered_json j;
  j["tool"] = "smtp-harness";
  j["version"] = SMTP_HARNESS_VERSION;
  j["started_at"] = run.started_at;
  j["duration_ms"] = run.duration_ms;
  if (!run.command_line.empty()) j["command_line"] = run.command_line;
  auto s = run.Summarize();
  j["summary"] = {{"total", s.total},     {"passed", s.passed},
                  {"failed", s.failed},   {"errors", s.errors},
                  {"skipped", s.skipped}, {"optional_mismatches", s.optional_mismatches}};
  if (s.not_run) j["summary"]["not_run"] = s.not_run;
  if (run.interrupted) j["interrupted"] = true;
  j["scenarios"] = ordered_json::array();
  for (const auto& sc : run.scenarios) j["scenarios"].push_back(ScenarioJson(sc));
  auto conformance = SummarizeConformance(run);
  if (!conformance.empty()) {
    ordered_json cj = ordered_json::array();
    for (const auto& r : conformance) {
      ordered_json rj;
      rj["rfc"] = r.rfc;
      rj["counts"] = CountsJson(r.counts);
      rj["sections"] = ordered_json::array();
      for (const auto& sec : r.sections) {
        ordered_json sj;
        sj["section"] = sec.section;
        sj["counts"] = CountsJson(sec.counts);
        sj["scenarios"] = sec.scenarios;
        sj["failing"] = sec.failing;
        rj["sections"].push_back(std::move(sj));
      }
      cj.push_back(std::move(rj));
    }
    j["conformance"] = std::move(cj);
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Status WriteJsonReport(const RunResult& run, const std::string& path) {
  return WriteReportFile(path, RenderJsonReport(run), "JSON report");
}

}  // namespace smtp
