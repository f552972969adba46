// How a scripted session ends: the step at the cursor passes (expect close;
// a QUIT that strict.quit lets go) or fails with why, the caps' notes, and
// the report delivered once.
#include "harness/core/transcript.h"
#include "harness/runner/grade_limits.h"
#include "harness/runner/script_command_match.h"
#include "harness/runner/scripted_session.h"

namespace smtp {

using script::IsQuitMatcher;

SessionActions ScriptedSession::OnEnd(SessionEnd end) {
  if (delivered_) return {};
  report_.end = end;
  const std::string reason(SessionEndName(end));
  NoteStepAtCursor();
  Note('*', "connection ended: " + reason);
  const bool timeout = IsTimeout(end);
  // The engine's last read waited ReadTimeout(): the step at the cursor.
  const std::string waited =
      timeout ? "no data from the client within " + FormatDuration(TimeoutAt(cursor_))
              : "the connection ended (" + reason + ")";
  if (in_data_ && cursor_ < scenario_.steps.size()) {
    std::string tail = message_.size() > 200 ? message_.substr(message_.size() - 200) : message_;
    Fail(cursor_, EscapeBytes(message_raw_),
         waited +
             " before the end of the message: a line with a single \".\" (<CRLF>.<CRLF>) "
             "never arrived; the message ends with \"" +
             EscapeBytes(tail) + "\"");
  } else if (!stopped_ && cursor_ < scenario_.steps.size()) {
    SettleRepetitions();
  }
  if (!in_data_ && !stopped_ && cursor_ < scenario_.steps.size()) {
    const Step& step = scenario_.steps[cursor_];
    if (step.kind == StepKind::kExpectClose) {
      Pass(cursor_, "");
      ++cursor_;
    } else if (step.kind == StepKind::kExpectCommand && IsQuitMatcher(step.command) && !timeout &&
               !scenario_.strict.quit) {
      Pass(cursor_, "",
           "the client closed the connection without QUIT (allowed: strict.quit is off)");
      report_.steps[cursor_].optional_mismatch = true;
      ++cursor_;
      while (cursor_ < scenario_.steps.size() &&
             scenario_.steps[cursor_].kind == StepKind::kExpectClose) {
        Pass(cursor_, "");
        ++cursor_;
      }
    } else if (step.kind == StepKind::kExpectCommand && IsQuitMatcher(step.command) && !timeout) {
      Fail(cursor_, "", "the client closed the connection without sending QUIT");
    } else {
      // Bytes seen early but never read (the connection ended first): that
      // is the client's fault to report, not only the end.
      Fail(cursor_, "",
           (talked_early_ ? "the client sent " + std::to_string(talked_early_bytes_) + " bytes " +
                                *talked_early_ + ", then " + waited
                          : waited) +
               "; expected " + Expected(step));
    }
  }
  for (auto& r : report_.steps) {
    if (r.status == Verdict::kNotRun && r.message.empty()) r.message = "not reached";
  }
  report_.completed = cursor_ >= scenario_.steps.size() && !stopped_;
  if (transcript_dropped_ > 0) {
    report_.transcript.push_back(
        {options_.now_ms(), '*',
         "[transcript cap: " + std::to_string(transcript_dropped_) + " more lines not kept (" +
             std::to_string(kGradeTranscriptBytes) + " bytes kept per session)]"});
  }
  if (unexpected_count_ > report_.unexpected.size()) {
    report_.unexpected.push_back("[" +
                                 std::to_string(unexpected_count_ - report_.unexpected.size()) +
                                 " more unexpected commands not listed]");
  }
  Deliver();
  return {};
}

void ScriptedSession::Deliver() {
  if (delivered_) return;
  delivered_ = true;
  if (on_done_) on_done_(report_);
}

}  // namespace smtp
