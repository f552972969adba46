// The message after DATA's 354: dot-unstuffing, the size cap, strict.crlf's
// bare LF/CR, and the message step's match and reply at the final dot.
#include "harness/core/dot_stuffing.h"
#include "harness/core/transcript.h"
#include "harness/runner/grade_limits.h"
#include "harness/runner/script_text.h"
#include "harness/runner/scripted_session.h"
#include "harness/scenario/server_matcher_eval.h"
#include "harness/scenario/standard_replies.h"

namespace smtp {

using script::CapText;
using script::Raw;

size_t ScriptedSession::MaxMessage() const {
  size_t configured = scenario_.server.max_message_size;
  return configured > 0 ? configured : kGradeDefaultMaxMessage;
}

void ScriptedSession::HandleDataLine(const FramedLine& line, SessionActions& out) {
  secrets_.Client(line.text);  // message text, never hidden; the redactor follows the session
  if (!data_bare_ && (line.ending == LineEnding::kBareLf || line.bare_cr)) {
    data_bare_ = EscapeBytes(Raw(line));
  }
  // "." on a line of its own ends the message. Only <CRLF>.<CRLF> is the
  // end RFC 5321 4.1.1.4 defines: a "." after a bare LF, or before one, is
  // taken as the end too (so the client gets its reply and the script goes
  // on), but named: strict.crlf fails the message for it, lenient notes it.
  const bool after_bare_lf = data_line_bare_lf_ || line.after_bare_lf;
  data_line_bare_lf_ = line.ending == LineEnding::kBareLf;
  if (line.text == ".") {
    if (after_bare_lf || line.ending == LineEnding::kBareLf) {
      data_end_ = std::string(after_bare_lf ? "\n" : "\r\n") + Raw(line);
    }
    FinishMessage(line, out);
    return;
  }
  if (message_raw_.size() < kGradeShownBytes) message_raw_ += Raw(line);
  if (scenario_.strict.crlf && line.ending == LineEnding::kBareLf) {
    // Not a line end on the wire: the bytes belong to the line a CRLF ends.
    message_size_ += line.text.size() + 1;
    if (message_size_ <= MaxMessage()) data_partial_ += line.text + "\n";
    return;
  }
  const std::string logical = data_partial_ + line.text;
  data_partial_.clear();
  std::string_view unstuffed = UnstuffLine(logical);
  message_size_ += line.text.size() + 2 - (logical.size() - unstuffed.size());
  if (message_size_ <= MaxMessage()) {  // past the cap: counted, not kept
    message_ += unstuffed;
    message_ += "\r\n";
  }
}

std::optional<std::string> ScriptedSession::LineEndingProblem(const FramedLine& dot_line) {
  // `escape`: the report's reasons show bytes escaped; the transcript keeps
  // them raw and escapes them when it is shown.
  auto ended = [&](auto escape) {
    return "the message ended with \"" + escape(*data_end_) + "\" instead of <CRLF>.<CRLF> (\"" +
           escape("\r\n.\r\n") + "\", RFC 5321 4.1.1.4)";
  };
  if (!scenario_.strict.crlf) {
    if (data_end_) {
      Note('*', ended([](const std::string& b) { return b; }) +
                    ": taken as the end (strict.crlf is off)");
    }
    return std::nullopt;
  }
  const std::string end =
      data_end_ ? ended([](const std::string& b) { return EscapeBytes(b); }) : "";
  if (data_end_) {
    // The bare line before the end, when it is not the end itself, is named too.
    const bool earlier = data_bare_ && *data_bare_ != EscapeBytes(Raw(dot_line));
    return end + ": a server that takes only CRLF would not end the message there" +
           (earlier ? "; the first line ending in a bare LF or CR: \"" + *data_bare_ + "\"" : "");
  }
  if (data_bare_) {
    return "the message has a line ending in a bare LF or CR instead of CRLF: \"" + *data_bare_ +
           "\"";
  }
  return std::nullopt;
}

void ScriptedSession::FinishMessage(const FramedLine& dot_line, SessionActions& out) {
  in_data_ = false;
  const std::optional<std::string> talked_early = std::move(talked_early_);
  talked_early_.reset();
  if (!data_partial_.empty() && message_size_ <= MaxMessage()) {
    message_ += UnstuffLine(data_partial_);  // strict.crlf: bare-LF bytes before the dot
  }
  data_partial_.clear();
  SettleRepetitions();
  NoteStepAtCursor();
  Note('C', "<message: " + std::to_string(message_size_) + " bytes>");
  for (size_t pos = 0; pos < message_.size();) {
    size_t eol = message_.find("\r\n", pos);
    if (eol == std::string::npos) eol = message_.size();
    Note('C', message_.substr(pos, eol - pos));
    pos = eol + 2;
  }
  Note('C', dot_line.ending == LineEnding::kBareLf ? ".\n" : ".");
  const std::optional<std::string> crlf_problem = LineEndingProblem(dot_line);
  const std::string shown = EscapeBytes(
      message_raw_ + (message_raw_.size() >= kGradeShownBytes ? "[...]" : "") + Raw(dot_line));
  if (message_size_ > MaxMessage()) {
    // RFC 5321 §4.5.3.1.10: refused after the final dot; the script goes on.
    const std::string why = "the message is " + std::to_string(message_size_) +
                            " bytes, larger than the message size cap of " +
                            std::to_string(MaxMessage()) +
                            " bytes (SIZE, the scenario's server: {max_message_size}); it was "
                            "refused with 552";
    if (cursor_ < scenario_.steps.size() &&
        scenario_.steps[cursor_].kind == StepKind::kExpectData) {
      Fail(cursor_, shown, why);
      ++cursor_;
    } else {
      FailUnexpected("<message>", why);
    }
    SendReply("552 5.3.4 Message size exceeds fixed maximum message size", out);
    RunReplySteps(out);
    early_ = framer_.buffered() > 0;
    last_command_ = "<CRLF>.<CRLF>";
    return;
  }
  last_command_ = "<CRLF>.<CRLF>";  // what the reply answers (pacing, pipelining reports)
  if (cursor_ < scenario_.steps.size() && scenario_.steps[cursor_].kind == StepKind::kExpectData) {
    const Step& step = scenario_.steps[cursor_];
    std::optional<std::string> why;
    // The line endings first: with bare LFs the content is not what the
    // client meant to send, so a content mismatch would be the wrong reason.
    why = crlf_problem;
    if (!why && talked_early) {
      why = "the message was sent " + *talked_early +
            ": a client sends the message only after the whole 354 reply (RFC 5321 4.1.1.4, "
            "4.2.1)";
    }
    if (!why) {
      MatchOutcome m = MatchData(step.data, message_, options_.vars);
      if (!m.ok) why = m.reason;
    }
    if (!why && scenario_.strict.pipelining && data_early_) {
      why =
          "the message was sent before the 354 reply to DATA (RFC 2920 3.1: DATA ends a "
          "group even with PIPELINING)";
    }
    if (why)
      Fail(cursor_, shown, *why);
    else
      Pass(cursor_, shown);
    std::string reply = step.text;
    ++cursor_;
    bool next_is_reply =
        cursor_ < scenario_.steps.size() && scenario_.steps[cursor_].kind == StepKind::kReply;
    if (!reply.empty()) {
      report_.steps[cursor_ - 1].sent = StandardReply(Expand(reply), options_.hostname);
      SendReply(reply, out, &step);
    } else if (!next_is_reply) {
      SendReply("250 2.0.0 OK: message accepted", out, &step);
    }
  } else {
    // No expect_data step owns the message: strict.crlf still fails the
    // session for its line endings (before, such a message passed).
    if (crlf_problem && !report_.failure) {
      FailureInfo f;
      f.step = -1;
      f.expected = "a message in CRLF lines, ended by <CRLF>.<CRLF>";
      f.actual = CapText(shown, kGradeShownBytes);
      f.message = (scenario_.file.empty() ? scenario_.name : scenario_.file) + ": " +
                  CapText(*crlf_problem, kGradeShownBytes);
      report_.failure = std::move(f);
    }
    if (cursor_ >= scenario_.steps.size() || scenario_.steps[cursor_].kind != StepKind::kReply) {
      SendReply("250 2.0.0 OK: message accepted", out);
    }
  }
  RunReplySteps(out);
  early_ = framer_.buffered() > 0;
  last_command_ = "<CRLF>.<CRLF>";
}

}  // namespace smtp
