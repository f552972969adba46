// The scripted session's frame: its steps, what each expects, and the
// commands the client sends, matched against the step at the cursor. The
// other ideas have their own files: scripted_session_replies.cc (what goes
// back), _repeat.cc (repeat:/optional:), _auth.cc (auth: steps), _data.cc
// (the message), _results.cc (step results, transcript), _end.cc (how the
// session ended).
#include "harness/runner/scripted_session.h"

#include "harness/core/transcript.h"
#include "harness/runner/grade_limits.h"
#include "harness/runner/script_command_match.h"
#include "harness/runner/script_text.h"
#include "harness/scenario/var_expander.h"

namespace smtp {

using script::DefaultReplyFor;
using script::MatchCommandStep;
using script::Verb;

namespace {

constexpr size_t kMaxReceived = kGradeReceivedBytes;
constexpr size_t kLineLimit = 1 << 20;  // grading reads long lines whole

}  // namespace

ScriptedSession::ScriptedSession(const Scenario& scenario, int session, ScriptOptions options,
                                 std::function<void(SessionReport)> on_done)
    : scenario_(scenario),
      options_(std::move(options)),
      on_done_(std::move(on_done)),
      framer_(kLineLimit) {
  if (!options_.now_ms) {
    auto start = std::chrono::steady_clock::now();
    options_.now_ms = [start] {
      return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
          .count();
    };
  }
  report_.session = session;
  for (const Step& step : scenario_.steps) {
    StepResult r;
    r.index = step.index;
    r.line = step.pos.line;
    r.kind = StepKindName(step.kind);
    r.name = step.name;
    r.expected = Expected(step);
    r.status = Verdict::kNotRun;
    report_.steps.push_back(std::move(r));
  }
}

ScriptedSession::~ScriptedSession() {
  if (!delivered_) OnEnd(SessionEnd::kServerStopped);
}

std::string ScriptedSession::Expand(const std::string& text) const {
  auto expanded = smtp::Expand(text, options_.vars);
  return expanded.ok() ? *expanded : text;  // the loader already rejected undefined names
}

std::string ScriptedSession::Expected(const Step& step) const {
  switch (step.kind) {
    case StepKind::kExpectCommand:
      return DescribeCommandMatcher(step.command);
    case StepKind::kExpectData:
      return DescribeDataMatcher(step.data);
    case StepKind::kExpectClose:
      return "the client closes the connection";
    case StepKind::kAuth:
      // Never the credentials themselves: the scenario may hold them literally.
      return "AUTH " +
             (step.auth_mechanism.empty() ? std::string("PLAIN or LOGIN") : step.auth_mechanism) +
             " with the scenario's user name and password";
    case StepKind::kReply:
      return "";
    default:
      return "";
  }
}

Duration ScriptedSession::TimeoutAt(size_t index) const {
  if (stopped_ || index >= scenario_.steps.size()) return options_.step_timeout;
  return scenario_.steps[index].timeout.value_or(options_.step_timeout);
}

SessionActions ScriptedSession::OnConnect() {
  SessionActions out;
  Note('*', "client connected (session " + std::to_string(report_.session) + ")");
  StepStarted();
  RunReplySteps(out);
  return out;
}

SessionActions ScriptedSession::OnBytes(std::string_view bytes) {
  SessionActions out;
  if (flooded_) return out;  // closing: the rest is not read
  if (report_.received.size() < kMaxReceived) {
    report_.received.append(bytes.substr(0, kMaxReceived - report_.received.size()));
  }
  framer_.Feed(bytes);
  while (true) {
    std::optional<FramedLine> line = framer_.Next();
    if (!line) break;
    if (auth_) {
      HandleAuthLine(*line, out);
      early_ = framer_.buffered() > 0;  // not a mark from before the exchange's last line
    } else if (in_data_) {
      HandleDataLine(*line, out);
    } else {
      HandleCommand(*line, out);
    }
    if (flooded_) break;
  }
  return out;
}

void ScriptedSession::HandleCommand(const FramedLine& line, SessionActions& out) {
  // What the reports show: AUTH credentials (an initial response, and the
  // client's lines until the final reply, whatever step the script is at)
  // hidden by session state, in the received bytes too; matching uses the
  // line as sent. A bare LF stays in the transcript text, shown escaped.
  const std::string text = Redacted(line.text);
  const std::string raw = text + (line.ending == LineEnding::kCrlf ? "\r\n" : "\n");
  const std::string shown = EscapeBytes(raw);
  const bool early = early_;
  const std::optional<std::string> talked_early = std::move(talked_early_);
  talked_early_.reset();
  const std::string previous = last_command_;
  NoteStepAtCursor();
  last_command_ = text;
  Note('C', line.ending == LineEnding::kBareLf ? text + "\n" : text);

  // The strict rules that may fail the step of a command that is the right one.
  auto strict_problem = [&]() -> std::string {
    std::string why;
    if (talked_early) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive)
      // on "\"" + std::string here.
      why = '"';
      why += EscapeBytes(text) + "\" was sent " + *talked_early;
      if (previous.empty()) {
        why += ": a client waits for the greeting before it sends a command (RFC 5321 4.3.1, 3.1)";
      } else {
        why +=
            ": a client reads a reply to its last line before it sends the next command (RFC "
            "5321 4.2.1, 4.3.1";
        if (pipelining_advertised_) why += "; RFC 2920 3.1";
        why += ')';
      }
    } else if (scenario_.strict.crlf && line.ending == LineEnding::kBareLf) {
      why = "the line ended with a bare LF (\\n) instead of CRLF (\\r\\n): \"" + shown + "\"";
    } else if (scenario_.strict.crlf && line.bare_cr) {
      why = "the line contains a bare CR (\\r): \"" + shown + "\"";
    } else if (scenario_.strict.pipelining && early && !pipelining_advertised_) {
      why = '"';  // piece by piece, as above
      why += EscapeBytes(text) + "\" was sent before the reply to \"" + EscapeBytes(previous) +
             "\" (the server did not advertise PIPELINING: wait for each reply before sending "
             "the next command)";
    }
    return why;
  };
  auto answer_stopped = [&] {
    SendReply(Verb(line.text) == "QUIT" ? "221" : "503 5.5.1 smtp-harness: not expected here", out);
  };
  if (closing_) {  // after our 221: the client should have closed
    if (cursor_ < scenario_.steps.size() &&
        scenario_.steps[cursor_].kind == StepKind::kExpectClose) {
      NoteUnexpected(text);
      Fail(cursor_, shown, "expected the client to close the connection, got \"" + shown + "\"");
    } else {
      FailUnexpected(text, "unexpected command after QUIT: \"" + shown + "\"");
    }
    stopped_ = true;
    return;
  }
  if (stopped_) {
    NoteUnexpected(text);
    if (unexpected_count_ > kGradeUnexpectedCommands) {
      // A flood after the script stopped: nothing more to learn from it.
      const std::string why = "more than " + std::to_string(kGradeUnexpectedCommands) +
                              " commands after the script stopped (the unexpected-command cap)";
      Note('*', why + "; closing the session");
      SendReply("421 4.7.0 smtp-harness: too many unexpected commands, closing", out);
      flooded_ = true;
      return;
    }
    answer_stopped();
    early_ = framer_.buffered() > 0;
    return;
  }
  if (cursor_ >= scenario_.steps.size()) {
    FailUnexpected(text,
                   "unexpected command after the end of the script: \"" + EscapeBytes(text) + "\"");
    stopped_ = true;
    answer_stopped();
    early_ = framer_.buffered() > 0;
    return;
  }
  // A repeating step that has its min gives way to the next step when this
  // command is not one more of it.
  std::optional<MatchOutcome> matched = MatchPastRepetitions(line.text);
  if (cursor_ >= scenario_.steps.size()) {
    FailUnexpected(line.text, "unexpected command after the end of the script: \"" +
                                  EscapeBytes(line.text) + "\"");
    stopped_ = true;
    answer_stopped();
    early_ = framer_.buffered() > 0;
    return;
  }
  const Step& step = scenario_.steps[cursor_];
  std::optional<std::string> mismatch;
  if (step.kind == StepKind::kExpectCommand) {
    if (!matched) matched = MatchCommandStep(step.command, line.text, options_.vars);
    if (!matched->ok) {
      // The matcher quotes what it saw; for a redacted line say it without.
      mismatch = text == line.text ? matched->reason
                                   : "command \"" + EscapeBytes(text) + "\" does not match \"" +
                                         Expected(step) + "\"";
      if (repeats_ > 0)
        *mismatch += " (after " + std::to_string(repeats_) + " matching command" +
                     (repeats_ == 1 ? "" : "s") + "; at least " + std::to_string(step.repeat_min) +
                     " expected)";
    }
  } else if (step.kind == StepKind::kExpectClose) {
    mismatch = "expected the client to close the connection, got \"" + shown + "\"";
    NoteUnexpected(text);
  } else if (step.kind == StepKind::kAuth) {
    // The AUTH line's own strict problems (sent early, a bare LF) fail the
    // step once the exchange has the right credentials.
    mismatch = StartAuth(step, line.text, strict_problem(), out);
    if (!mismatch) {
      early_ = framer_.buffered() > 0;
      return;  // the exchange goes on (334), or FinishAuth ended it
    }
  } else if (step.kind == StepKind::kExpectData) {
    mismatch = "expected the message (after a 354 reply), got the command \"" + shown + "\"";
  } else {
    mismatch =
        "the script cannot take a command at a " + std::string(StepKindName(step.kind)) + " step";
  }
  if (mismatch && text != line.text) {  // the reason may quote the line: not its credential
    for (size_t at; (at = mismatch->find(line.text)) != std::string::npos;)
      mismatch->replace(at, line.text.size(), text);
  }
  if (mismatch) {
    Fail(cursor_, shown, *mismatch);
    stopped_ = true;
    answer_stopped();
    early_ = framer_.buffered() > 0;
    return;
  }

  // The command is the right one; the strict rules may still fail the step.
  const std::string why = strict_problem();
  const size_t index = cursor_;
  RecordMatch(index, shown, why);
  std::string reply = step.text;
  if (++repeats_ >= step.repeat_max) {
    ++cursor_;
    repeats_ = 0;
  }
  bool next_is_reply = cursor_ != index && cursor_ < scenario_.steps.size() &&
                       scenario_.steps[cursor_].kind == StepKind::kReply;
  std::string& sent = report_.steps[index].sent;
  if (!sent.empty()) sent += "\n";
  if (!reply.empty()) {
    sent += StandardReply(Expand(reply), options_.hostname);
    SendReply(reply, out, &step);
  } else if (!next_is_reply) {
    sent += StandardReply(DefaultReplyFor(line.text), options_.hostname);
    SendReply(DefaultReplyFor(line.text), out, &step);
  }
  RunReplySteps(out);
  early_ = framer_.buffered() > 0;
}

}  // namespace smtp
