// Repetition (SPEC §9): an expect step with `repeat: {min, max}` or
// `optional: true` takes matching commands in a row; once it has its min, a
// command it does not match goes to the next step.
#include "harness/runner/script_command_match.h"
#include "harness/runner/scripted_session.h"

namespace smtp {

using script::MatchCommandStep;

std::optional<MatchOutcome> ScriptedSession::MatchPastRepetitions(const std::string& command) {
  std::optional<MatchOutcome> matched;
  while (cursor_ < scenario_.steps.size()) {
    const Step& s = scenario_.steps[cursor_];
    if (s.kind != StepKind::kExpectCommand) break;
    matched = MatchCommandStep(s.command, command, options_.vars);
    if (matched->ok || matched->error || repeats_ < s.repeat_min) break;
    FinishRepetition();
    matched.reset();
  }
  return matched;
}

void ScriptedSession::RecordMatch(size_t index, const std::string& shown, const std::string& why) {
  const Step& step = scenario_.steps[index];
  if (repeats_ == 0) {
    if (why.empty())
      Pass(index, shown);
    else
      Fail(index, shown, why);
  } else {
    StepResult& r = report_.steps[index];
    r.received += "\n" + shown;
    if (!why.empty() && r.status != Verdict::kFailed) Fail(index, r.received, why);
    r.duration_ms = options_.now_ms() - step_started_ms_;
  }
  if (step.repeat_max != 1 && report_.steps[index].status == Verdict::kPassed) {
    int n = repeats_ + 1;
    report_.steps[index].message =
        "matched " + std::to_string(n) + " command" + (n == 1 ? "" : "s");
  }
}

void ScriptedSession::FinishRepetition() {
  if (repeats_ == 0) {  // an optional step the client left out
    StepResult& r = report_.steps[cursor_];
    r.status = Verdict::kPassed;
    r.optional_mismatch = true;
    r.message = "optional: the client did not send it";
  }
  ++cursor_;
  repeats_ = 0;
  StepStarted();
}

void ScriptedSession::SettleRepetitions() {
  while (!stopped_ && cursor_ < scenario_.steps.size() &&
         scenario_.steps[cursor_].kind == StepKind::kExpectCommand &&
         repeats_ >= scenario_.steps[cursor_].repeat_min) {
    FinishRepetition();
  }
}

}  // namespace smtp
