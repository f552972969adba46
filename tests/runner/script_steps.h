// Server-mode scenarios built in code, for the ScriptedSession tests
// (scripted_session_test, scripted_repeat_test, scripted_pacing_test): the
// step builders and the options that make a session deterministic.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/runner/scripted_session.h"

namespace smtp::test {

// A `reply:` step.
inline Step Reply(std::string text) {
  Step s;
  s.kind = StepKind::kReply;
  s.text = std::move(text);
  return s;
}

// An expect step matching `glob`, answered with `reply`; min/max as `repeat:`.
inline Step Expect(std::string glob, std::string reply, int min = 1, int max = 1) {
  Step s;
  s.kind = StepKind::kExpectCommand;
  s.command.glob = std::move(glob);
  s.text = std::move(reply);
  s.repeat_min = min;
  s.repeat_max = max;
  return s;
}

// An `expect_data:` step whose message must contain each of `contains`.
inline Step ExpectData(std::vector<std::string> contains, std::string reply) {
  Step s;
  s.kind = StepKind::kExpectData;
  s.data.contains = std::move(contains);
  s.text = std::move(reply);
  return s;
}

// An `expect_close:` step.
inline Step ExpectClose() {
  Step s;
  s.kind = StepKind::kExpectClose;
  return s;
}

// Indexes the steps in order, as the loader does; step i is on line 10 + i.
inline void NumberSteps(Scenario& sc) {
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    sc.steps[i].index = static_cast<int>(i);
    sc.steps[i].pos.line = static_cast<int>(10 + i);
  }
}

// No pipelining-probe pause, and a transcript clock that stays at 0.
inline ScriptOptions QuietOptions() {
  ScriptOptions o;
  o.pipelining_probe = Duration(0);
  o.now_ms = [] { return 0.0; };
  return o;
}

}  // namespace smtp::test
