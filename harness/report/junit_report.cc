#include "harness/report/junit_report.h"

#include <cstdio>

#include "harness/report/html_escape.h"
#include "harness/report/report_file.h"
#include "harness/report/transcript_text.h"

namespace smtp {
namespace {

std::string Seconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
  return buf;
}

std::string FailureBody(const ScenarioResult& sc) {
  std::string body;
  if (sc.failure) {
    body += sc.failure->message + "\n";
    if (!sc.failure->expected.empty() || !sc.failure->actual.empty()) {
      body += "expected: " + sc.failure->expected + "\n";
      body += "actual:   " + sc.failure->actual + "\n";
    }
  }
  body += "transcript:\n" + FormatTranscript(sc.transcript);
  if (sc.client) {
    body += "client command: " + sc.client->command + "\n";
    if (!sc.client->stdout_text.empty()) body += "client stdout:\n" + sc.client->stdout_text + "\n";
    if (!sc.client->stderr_text.empty()) body += "client stderr:\n" + sc.client->stderr_text + "\n";
  }
  return body;
}

std::string NotRunText(const ScenarioResult& sc) {
  return sc.skip_reason.empty() ? "not run" : sc.skip_reason;
}

}  // namespace

std::string JunitClassName(const std::string& file) {
  std::string s = file;
  while (s.rfind("./", 0) == 0) s.erase(0, 2);
  for (const char* ext : {".yaml", ".yml"}) {
    std::string e = ext;
    if (s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0) {
      s.erase(s.size() - e.size());
      break;
    }
  }
  for (char& c : s) {
    if (c == '/' || c == '\\') c = '.';
  }
  while (!s.empty() && s.front() == '.') s.erase(0, 1);
  return s.empty() ? "smtp-harness" : s;
}

std::string RenderJunitReport(const RunResult& run) {
  auto sum = run.Summarize();
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  std::string counts = " tests=\"" + std::to_string(sum.total) + "\" failures=\"" +
                       std::to_string(sum.failed) + "\" errors=\"" + std::to_string(sum.errors) +
                       "\" skipped=\"" + std::to_string(sum.skipped + sum.not_run) + "\" time=\"" +
                       Seconds(run.duration_ms) + "\"";
  out += "<testsuites name=\"smtp-harness\"" + counts + ">\n";
  out += "  <testsuite name=\"smtp-harness\"" + counts + " timestamp=\"" +
         HtmlEscape(run.started_at) + "\">\n";
  for (const auto& sc : run.scenarios) {
    out += "    <testcase name=\"" + HtmlEscape(sc.name) + "\" classname=\"" +
           HtmlEscape(JunitClassName(sc.file)) + "\" file=\"" + HtmlEscape(sc.file) + "\" time=\"" +
           Seconds(sc.duration_ms) + "\"";
    std::string message = sc.failure ? sc.failure->message : "";
    switch (sc.status) {
      case Verdict::kPassed: {
        std::string notes;
        for (const auto& st : sc.steps) {
          if (st.optional_mismatch) {
            notes += "note: optional step " + std::to_string(st.index) + " (" + sc.file + ":" +
                     std::to_string(st.line) + "): " + st.message + "\n";
          }
        }
        if (notes.empty()) {
          out += "/>\n";
          continue;
        }
        out += ">\n      <system-out>" + HtmlEscape(notes) + "</system-out>\n";
        break;
      }
      case Verdict::kSkipped:
      case Verdict::kNotRun:
        out += ">\n      <skipped message=\"" +
               HtmlEscape(sc.status == Verdict::kNotRun ? NotRunText(sc) : sc.skip_reason) +
               "\"/>\n";
        break;
      case Verdict::kFailed:
        out += ">\n      <failure message=\"" + HtmlEscape(message) + "\" type=\"failed\">" +
               HtmlEscape(FailureBody(sc)) + "</failure>\n";
        break;
      case Verdict::kError:
        out += ">\n      <error message=\"" + HtmlEscape(message) + "\" type=\"error\">" +
               HtmlEscape(FailureBody(sc)) + "</error>\n";
        break;
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

Status WriteJunitReport(const RunResult& run, const std::string& path) {
  return WriteReportFile(path, RenderJunitReport(run), "JUnit report");
}

}  // namespace smtp
