// The scripted session's report as it goes: step results (passed, failed,
// with what was received) and the transcript, bounded by grade_limits.h.
#include "harness/runner/grade_limits.h"
#include "harness/runner/script_text.h"
#include "harness/runner/scripted_session.h"

namespace smtp {

using script::CapText;

void ScriptedSession::NoteStepAtCursor() {
  note_step_ = cursor_ < scenario_.steps.size() ? static_cast<int>(cursor_) : -1;
}

void ScriptedSession::Note(char dir, const std::string& text) {
  if (transcript_bytes_ >= kGradeTranscriptBytes) {
    ++transcript_dropped_;
    return;
  }
  std::string kept = CapText(text, kGradeTranscriptLine);
  transcript_bytes_ += kept.size();
  report_.transcript.push_back({options_.now_ms(), dir, std::move(kept), note_step_});
}

void ScriptedSession::NoteUnexpected(const std::string& line) {
  if (report_.unexpected.size() < kGradeUnexpectedKept) report_.unexpected.push_back(line);
  ++unexpected_count_;
}

void ScriptedSession::StepStarted() { step_started_ms_ = options_.now_ms(); }

void ScriptedSession::Pass(size_t index, const std::string& received, const std::string& note) {
  StepResult& r = report_.steps[index];
  r.status = Verdict::kPassed;
  r.received = CapText(received, kGradeShownBytes);
  r.message = note;
  r.duration_ms = options_.now_ms() - step_started_ms_;
}

void ScriptedSession::Fail(size_t index, const std::string& received, const std::string& why) {
  StepResult& r = report_.steps[index];
  r.status = Verdict::kFailed;
  r.received = CapText(received, kGradeShownBytes);
  r.message = CapText(why, kGradeShownBytes);
  r.duration_ms = options_.now_ms() - step_started_ms_;
  if (!report_.failure) {
    FailureInfo f;
    f.step = r.index;
    f.line = r.line;
    f.expected = r.expected;
    f.actual = r.received;
    std::string where = scenario_.file.empty() ? scenario_.name : scenario_.file;
    if (r.line > 0) {
      // Two appends: GCC 12 warns (-Wrestrict, a false positive) on ":" + to_string here.
      where += ':';
      where += std::to_string(r.line);
    }
    std::string session =
        report_.session > 1 ? "session " + std::to_string(report_.session) + ", " : std::string();
    f.message = where + ": " + session + "step " + std::to_string(r.index) + " (" + r.kind +
                "): " + r.message;
    report_.failure = std::move(f);
  }
}

void ScriptedSession::FailUnexpected(const std::string& line, const std::string& why) {
  NoteUnexpected(line);
  if (!report_.failure) {
    FailureInfo f;
    f.step = -1;
    f.expected = "nothing more";
    f.actual = CapText(line, kGradeShownBytes);
    f.message = (scenario_.file.empty() ? scenario_.name : scenario_.file) + ": " +
                CapText(why, kGradeShownBytes);
    report_.failure = std::move(f);
  }
}

}  // namespace smtp
