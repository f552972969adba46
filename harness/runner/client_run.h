// Internal to the client runner (client_runner.cc, client_steps.cc): one
// scenario's replay, split over two files by concern -- the session
// plumbing and bookkeeping, and the step kinds. Not for other modules.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/secret_redactor.h"
#include "harness/runner/client_runner.h"
#include "harness/runner/step_problem.h"
#include "harness/scenario/var_expander.h"

namespace smtp::client_run {

using Clock = std::chrono::steady_clock;

inline double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// What happened in a step that did not pass.
using Problem = StepProblem;

inline Problem Err(std::string what) { return Problem{true, std::move(what), "", ""}; }
inline Problem Mismatch(std::string actual, std::string why, std::string expected = "") {
  return Problem{false, std::move(actual), std::move(why), std::move(expected)};
}

class ScenarioRun {
 public:
  ScenarioRun(const Scenario& s, const RunOptions& o, const ClientRunnerEnv& env)
      : sc_(s), opt_(o), env_(env) {}

  ScenarioResult Execute();

 private:
  // Each returns nullopt when the step passed.
  std::optional<Problem> RunStep(const Step& step, StepResult& r);
  std::optional<Problem> SendLine(const std::string& line, StepResult& r);
  std::optional<Problem> WriteBytes(const std::string& bytes);
  // As WriteBytes, but a server that closed the connection passes the step
  // (*closed set) when its expectation allows `closed`.
  std::optional<Problem> WriteOrClosed(const std::string& bytes, const Step& step, StepResult& r,
                                       bool* closed);
  std::optional<Problem> Expect(const ReplyMatcher& m, const std::string& sent_line, StepResult& r,
                                Reply* out = nullptr);
  std::optional<Problem> ExpectDefault(const std::vector<ReplyMatcher>& ms, const char* code,
                                       const std::string& sent_line, StepResult& r,
                                       Reply* out = nullptr);
  std::optional<Problem> RunAuth(const Step& step, StepResult& r);
  std::optional<Problem> RunMail(const Step& step, StepResult& r);
  Result<std::string> Exp(const std::string& text) { return Expand(text, vars_); }
  void RedactStep(StepResult& r);
  void Observe(const TranscriptEntry& e);
  void Fail(const Step& step, const StepResult& r, const Problem& p);
  void ErrorBeforeSteps(const std::string& message);
  // Advice when the target is not an SMTP server at all, or "".
  std::string NotSmtpAdvice(const Problem& p);

  const Scenario& sc_;
  const RunOptions& opt_;
  const ClientRunnerEnv& env_;
  ScenarioResult res_;
  Clock::time_point start_;
  Duration timeout_{0};  // the current step's deadline
  Duration default_timeout_{0};
  VarMap vars_;
  std::unique_ptr<FakeTargetHandle> fake_;
  std::unique_ptr<SmtpConnection> conn_;
  std::string host_;
  uint16_t port_ = 0;
  // `requires:` (SPEC §3, issue 14): judged on the first reply to EHLO,
  // before that reply's own matcher runs, so a capture of a capability the
  // server lacks skips the scenario instead of failing it.
  void OnEhloReply(const Reply& reply);
  std::string Missing(const std::vector<std::string>& needed) const;
  std::optional<EhloInfo> ehlo_;
  bool requires_judged_ = false;
  std::string scenario_skip_;            // set: the scenario is skipped, for this reason
  const Step* step_ = nullptr;           // the step running
  bool step_requires_deferred_ = false;  // its own EHLO reply will tell
  std::string step_skip_;                // set: the running step is skipped
  // Set by a step after which the scenario ends, passed (see kStartTls).
  std::string end_message_;

  int current_step_ = -1;  // stamped on transcript lines (guarded by mu_)
  std::mutex mu_;          // the observer may be called from the connection's thread
  Transcript transcript_;
  size_t transcript_bytes_ = 0;  // kept so far (caps.transcript_bytes)
  size_t dropped_lines_ = 0;     // transcript lines over the cap
  size_t dropped_bytes_ = 0;
  size_t step_reply_bytes_ = 0;         // replies read by the current step (caps.step_reply_bytes)
  SecretRedactor transcript_redactor_;  // fed in wire order by the observer
  SecretRedactor step_redactor_;        // fed each step's sent, then received
};

}  // namespace smtp::client_run
