#include "harness/report/junit_report.h"

#include <cstdio>

#include "harness/report/report_file.h"
#include "harness/report/transcript_text.h"

namespace smtp {
namespace {

// XML 1.0 cannot carry most control characters even escaped; they are shown
// as \xNN instead. Invalid UTF-8 is left to the consumer's leniency.
std::string XmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += '\n';
        break;
      case '\t':
        out += '\t';
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

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
         XmlEscape(run.started_at) + "\">\n";
  for (const auto& sc : run.scenarios) {
    out += "    <testcase name=\"" + XmlEscape(sc.name) + "\" classname=\"" +
           XmlEscape(JunitClassName(sc.file)) + "\" file=\"" + XmlEscape(sc.file) + "\" time=\"" +
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
        out += ">\n      <system-out>" + XmlEscape(notes) + "</system-out>\n";
        break;
      }
      case Verdict::kSkipped:
      case Verdict::kNotRun:
        out += ">\n      <skipped message=\"" +
               XmlEscape(sc.status == Verdict::kNotRun ? NotRunText(sc) : sc.skip_reason) +
               "\"/>\n";
        break;
      case Verdict::kFailed:
        out += ">\n      <failure message=\"" + XmlEscape(message) + "\" type=\"failed\">" +
               XmlEscape(FailureBody(sc)) + "</failure>\n";
        break;
      case Verdict::kError:
        out += ">\n      <error message=\"" + XmlEscape(message) + "\" type=\"error\">" +
               XmlEscape(FailureBody(sc)) + "</error>\n";
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
