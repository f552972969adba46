// The results of a run, as the reports (JSON, JUnit, Gradescope) and the
// terminal output show them (SPEC §7). Plain data, no I/O.
//
// The client-mode runner and the server-mode grader both fill a
// ScenarioResult; the report writers only read these structs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/transcript.h"

namespace smtp {

enum class Verdict { kPassed, kFailed, kError, kSkipped, kNotRun };
const char* VerdictName(Verdict v);  // "passed", "failed", "error", "skipped", "not_run"

struct StepResult {
  int index = 0;     // 0-based, as in the scenario
  int line = 0;      // in the scenario file
  std::string kind;  // StepKindName: "send", "expect", ...
  std::string name;
  std::string sent;      // what was sent (AUTH secrets redacted)
  std::string expected;  // the expectation, as people read it
  std::string received;  // the reply (or the client's command/data in server mode)
  Verdict status = Verdict::kNotRun;
  std::string message;             // why it failed / was skipped; empty when passed
  bool optional_mismatch = false;  // optional step whose expectation was not met (noted)
  double duration_ms = 0;
  std::optional<double> points;  // server mode: what the step is worth
  std::optional<double> points_earned;
};

struct FailureInfo {
  int step = -1;  // 0-based index of the failing step (-1: not tied to a step)
  int line = 0;
  std::string expected;
  std::string actual;
  std::string message;  // one line: file:line: step N (kind): expected X, got Y
};

struct ClientProcessResult {  // server mode: the client under test
  std::string command;
  std::optional<int> exit_code;  // nullopt when killed by a signal or never exited
  std::optional<int> signal;
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
  std::string received_bytes;  // everything the client sent, exactly
  std::string containment;     // "pid namespace, uid 65534", ...: how it was contained
  int left_running = 0;        // its processes still running when grade ended it (then killed)
};

struct ScenarioResult {
  std::string name;
  std::string file;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> rfc;
  std::string mode = "client";  // client | server
  std::string target;           // fake | smtp://H:P | smtps://H:P | listen address in server mode
  Verdict status = Verdict::kNotRun;
  double duration_ms = 0;
  std::optional<FailureInfo> failure;
  std::vector<StepResult> steps;
  Transcript transcript;
  std::optional<ClientProcessResult> client;
  std::optional<double> score;  // server mode with points
  std::optional<double> max_score;
  std::string skip_reason;  // when status is kSkipped (missing capability)
};

struct RunResult {
  std::string started_at;  // ISO 8601 UTC, "2026-01-01T12:00:00Z"
  double duration_ms = 0;
  std::vector<ScenarioResult> scenarios;
  bool interrupted = false;  // SIGINT: partial results
  std::string command_line;  // how the harness was started (shell-quoted), for reports

  struct Summary {
    int total = 0, passed = 0, failed = 0, errors = 0, skipped = 0;
    int not_run = 0;              // --fail-fast or an interrupt kept them from starting
    int optional_mismatches = 0;  // optional steps whose expectation was not met
  };
  Summary Summarize() const;
};

}  // namespace smtp
