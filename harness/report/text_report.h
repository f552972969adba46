// The terminal output of a run: one line per scenario as it finishes
// ("✓ basic_send  12ms"), the details of each failure (step, file:line,
// expected vs actual, the transcript around it), the summary line
// ("3 passed, 1 failed, 0 errors, 0 skipped in 1.2s") and the conformance
// summary. Pure functions returning text; the caller decides where it goes.
#pragma once

#include <string>

#include "harness/report/run_result.h"

namespace smtp {

struct TextStyle {
  bool color = false;           // ANSI colours
  bool verbose = false;         // every scenario's transcript, not only failures'
  int transcript_context = 12;  // transcript lines shown before a failure
};

// Text from a peer (a reply quoted in a failure message, a graded client's
// stderr, a scenario's name) as a terminal may show it: control bytes but
// newline and tab escaped ("\x1b"), so no escape sequence reaches the terminal.
std::string TerminalText(const std::string& text);

// "✓ basic_send (scenarios/basic_send.yaml)  12ms" plus a newline. Skipped
// scenarios give their reason.
std::string ScenarioLine(const ScenarioResult& sc, const TextStyle& style);

// For a failed or errored scenario: the step, the file line, expected vs
// actual, the tail of the transcript. With style.verbose, passed scenarios
// get their transcript too. Empty when there is nothing to show.
std::string ScenarioDetails(const ScenarioResult& sc, const TextStyle& style);

// "N passed, N failed, N errors, N skipped in 1.2s" (plus ", interrupted").
std::string SummaryLine(const RunResult& run, const TextStyle& style);

// "Conformance by RFC section:" then one line per RFC and section; empty when
// no scenario carries `rfc:`.
std::string ConformanceText(const RunResult& run, const TextStyle& style);

// The whole text summary after a run: details of every failure (and, when
// verbose, every transcript), the conformance summary, the summary line.
std::string RenderTextSummary(const RunResult& run, const TextStyle& style);

// Milliseconds as people read them: "0.4ms", "12ms", "1.2s".
std::string FormatMs(double ms);

}  // namespace smtp
