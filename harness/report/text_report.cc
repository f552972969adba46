#include "harness/report/text_report.h"

#include <cstdio>

#include "harness/report/conformance.h"
#include "harness/report/transcript_text.h"

namespace smtp {
namespace {

const char* kReset = "\033[0m";
const char* kGreen = "\033[32m";
const char* kRed = "\033[31m";
const char* kYellow = "\033[33m";
const char* kDim = "\033[2m";
const char* kBold = "\033[1m";

std::string Paint(const TextStyle& style, const char* code, const std::string& text) {
  if (!style.color) return text;
  return std::string(code) + text + kReset;
}

// Expected/actual texts for the terminal: multi-line replies continue under
// the first line; other control bytes are escaped so a bare CR shows. A
// backslash is left alone: server mode's texts arrive already escaped
// ("HELO x\\n") and must not be escaped twice.
std::string ForTerminal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      out += "\n            ";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += EscapeBytes(std::string(1, c));
    } else {
      out += c;
    }
  }
  return out;
}

// What a terminal shows of one text: lines over kTerminalLineBytes (SMTP's
// own text-line limit, so a conforming line shows whole) cut, and no more
// than kTerminalLines lines: a hostile server's 1 MiB reply must not scroll
// the verdict away. The JSON report keeps the longer text.
constexpr size_t kTerminalLineBytes = 1000;
constexpr size_t kTerminalLines = 12;

std::string ClipForTerminal(const std::string& text) {
  std::string out;
  size_t lines = 0, pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    if (lines == kTerminalLines) {
      size_t rest = 1;
      for (size_t i = end; i < text.size(); ++i) rest += text[i] == '\n';
      out += "... (" + std::to_string(rest) + " more lines not shown; the JSON report has them)";
      return out;
    }
    if (lines) out += '\n';
    if (end - pos > kTerminalLineBytes) {
      out.append(text, pos, kTerminalLineBytes);
      out += "... (" + std::to_string(end - pos - kTerminalLineBytes) + " more bytes)";
    } else {
      out.append(text, pos, end - pos);
    }
    ++lines;
    if (end == text.size()) break;
    pos = end + 1;
  }
  return out;
}

const char* Mark(Verdict v) {
  switch (v) {
    case Verdict::kPassed:
      return "\xE2\x9C\x93";  // ✓
    case Verdict::kFailed:
      return "\xE2\x9C\x97";  // ✗
    case Verdict::kError:
      return "!";
    case Verdict::kSkipped:
    case Verdict::kNotRun:
      return "-";
  }
  return "?";
}

const char* Colour(Verdict v) {
  switch (v) {
    case Verdict::kPassed:
      return kGreen;
    case Verdict::kFailed:
    case Verdict::kError:
      return kRed;
    default:
      return kYellow;
  }
}

}  // namespace

std::string TerminalText(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != '\n' && c != '\t' && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)) {
      out += EscapeBytes(std::string(1, c));
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMs(double ms) {
  char buf[32];
  if (ms < 10) {
    std::snprintf(buf, sizeof buf, "%.1fms", ms);
  } else if (ms < 1000) {
    std::snprintf(buf, sizeof buf, "%.0fms", ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.1fs", ms / 1000.0);
  }
  return buf;
}

std::string ScenarioLine(const ScenarioResult& sc, const TextStyle& style) {
  std::string line = Paint(style, Colour(sc.status), Mark(sc.status));
  line += ' ';
  line += TerminalText(sc.name);
  if (sc.status != Verdict::kNotRun) line += Paint(style, kDim, "  " + FormatMs(sc.duration_ms));
  if (sc.status == Verdict::kSkipped && !sc.skip_reason.empty()) {
    line += Paint(style, kYellow, "  skipped: " + TerminalText(sc.skip_reason));
  } else if (sc.status == Verdict::kNotRun) {
    line += Paint(style, kYellow,
                  "  " + (sc.skip_reason.empty() ? "not run" : TerminalText(sc.skip_reason)));
  } else if (sc.status == Verdict::kError && sc.failure) {
    line += Paint(style, kRed, "  error");
  }
  return line + "\n";
}

std::string ScenarioDetails(const ScenarioResult& sc, const TextStyle& style) {
  bool bad = sc.status == Verdict::kFailed || sc.status == Verdict::kError;
  std::string notes;
  for (const auto& st : sc.steps) {
    if (st.optional_mismatch) {
      notes += Paint(style, kYellow,
                     "  note: optional step " + std::to_string(st.index) + " (" + sc.file + ":" +
                         std::to_string(st.line) + "): " + TerminalText(st.message)) +
               "\n";
    }
  }
  if (!bad && !style.verbose) {
    return notes.empty()
               ? ""
               : Paint(style, kBold, TerminalText(sc.name)) + " (" + sc.file + ")\n" + notes;
  }
  std::string out;
  if (bad) {
    out += Paint(style, kBold,
                 std::string(sc.status == Verdict::kError ? "ERROR " : "FAILED ") +
                     TerminalText(sc.name)) +
           " (" + sc.file + ")\n";
    if (sc.failure) {
      const auto& f = *sc.failure;
      out += "  " + TerminalText(ClipForTerminal(f.message)) + "\n";
      // The message already names file, line, step and kind; add the step's
      // own name when it has one.
      for (const auto& st : sc.steps) {
        if (st.index == f.step && f.step >= 0 && !st.name.empty()) {
          out += "  step name: " + TerminalText(st.name) + "\n";
        }
      }
      if (!f.expected.empty() || !f.actual.empty()) {
        out +=
            "  expected: " + Paint(style, kGreen, ForTerminal(ClipForTerminal(f.expected))) + "\n";
        out += "  actual:   " + Paint(style, kRed, ForTerminal(ClipForTerminal(f.actual))) + "\n";
      }
    }
    size_t n = sc.transcript.size();
    size_t context = style.verbose ? n : static_cast<size_t>(style.transcript_context);
    size_t first = n > context ? n - context : 0;
    if (n) {
      out += "  transcript" +
             std::string(first ? " (last " + std::to_string(n - first) + " lines)" : "") + ":\n";
      Transcript shown(sc.transcript.begin() + static_cast<std::ptrdiff_t>(first),
                       sc.transcript.end());
      for (auto& e : shown) e.text = ClipForTerminal(e.text);
      out += FormatTranscript(shown, "  ");
    }
    if (sc.client) {
      out += "  client: " + sc.client->command;
      if (sc.client->exit_code) out += " (exit " + std::to_string(*sc.client->exit_code) + ")";
      if (sc.client->timed_out) out += " (timed out)";
      out += "\n";
      if (!sc.client->stderr_text.empty())
        out += "  client stderr:\n" + TerminalText(ClipForTerminal(sc.client->stderr_text)) + "\n";
    }
  } else {
    out += Paint(style, kBold, TerminalText(sc.name)) + " (" + sc.file + ")\n";
    Transcript shown = sc.transcript;
    for (auto& e : shown) e.text = ClipForTerminal(e.text);
    out += FormatTranscript(shown, "  ");
  }
  return out + notes;
}

std::string SummaryLine(const RunResult& run, const TextStyle& style) {
  auto s = run.Summarize();
  std::string line = std::to_string(s.passed) + " passed, " + std::to_string(s.failed) +
                     " failed, " + std::to_string(s.errors) + " errors, " +
                     std::to_string(s.skipped) + " skipped" +
                     (s.not_run ? ", " + std::to_string(s.not_run) + " not run" : "") + " in " +
                     FormatMs(run.duration_ms);
  if (s.optional_mismatches) {
    line += " (" + std::to_string(s.optional_mismatches) + " optional step" +
            (s.optional_mismatches == 1 ? " did" : "s did") + " not match)";
  }
  if (run.interrupted) line += ", interrupted";
  const char* colour = (s.failed || s.errors || run.interrupted) ? kRed : kGreen;
  return Paint(style, colour, line) + "\n";
}

std::string ConformanceText(const RunResult& run, const TextStyle& style) {
  auto rfcs = SummarizeConformance(run);
  if (rfcs.empty()) return "";
  auto counts = [&](const ConformanceCounts& c) {
    std::string s = std::to_string(c.passed) + " passed, " + std::to_string(c.failed) +
                    " failed, " + std::to_string(c.errors) + " errors, " +
                    std::to_string(c.skipped) + " skipped";
    return Paint(style, (c.failed || c.errors) ? kRed : kGreen, s);
  };
  std::string out = "Conformance by RFC section:\n";
  for (const auto& r : rfcs) {
    out += "  RFC " + r.rfc + ": " + counts(r.counts) + "\n";
    for (const auto& sec : r.sections) {
      std::string name = sec.section.empty() ? "(whole RFC)" : "\xC2\xA7" + sec.section;
      out += "    " + name + ": " + counts(sec.counts);
      if (!sec.failing.empty()) {
        out += "  (";
        for (size_t i = 0; i < sec.failing.size(); ++i) out += (i ? ", " : "") + sec.failing[i];
        out += ")";
      }
      out += "\n";
    }
  }
  return out;
}

std::string RenderTextSummary(const RunResult& run, const TextStyle& style) {
  std::string out;
  for (const auto& sc : run.scenarios) {
    std::string d = ScenarioDetails(sc, style);
    if (!d.empty()) {
      out += '\n';
      out += d;
    }
  }
  std::string conf = ConformanceText(run, style);
  if (!conf.empty()) {
    out += '\n';
    out += conf;
  }
  out += '\n';
  out += SummaryLine(run, style);
  return out;
}

}  // namespace smtp
