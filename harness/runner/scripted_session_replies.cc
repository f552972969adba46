// What the scripted session sends: a step's reply in its standard form, the
// SIZE it advertises, the pipelining probe, and what a reply starts (DATA's
// 354, STARTTLS's 220, closing after 221/421); `reply:` steps in a row;
// pacing (`delay:`, `split:`) and the peeks that catch a client talking early.
#include "harness/core/reply.h"
#include "harness/core/transcript.h"
#include "harness/runner/script_text.h"
#include "harness/runner/scripted_session.h"
#include "harness/scenario/standard_replies.h"
#include "harness/util/duration.h"

namespace smtp {

using script::ReplyLines;
using script::UpperTrim;
using script::Verb;

bool ScriptedSession::MustWaitForReply() const {
  if (last_command_.empty()) return true;  // the greeting
  if (!pipelining_advertised_) return true;
  // RFC 2920 3.1: these end a group; RFC 3207 4, RFC 4954 4 for the last two.
  static const char* const kGroupEnds[] = {"EHLO", "HELO", "DATA", "VRFY",     "EXPN",
                                           "TURN", "QUIT", "NOOP", "STARTTLS", "AUTH"};
  const std::string verb = Verb(last_command_);
  for (const char* v : kGroupEnds) {
    if (verb == v) return true;
  }
  return false;
}

void ScriptedSession::OnPeek(std::string_view tag, size_t waiting) {
  if (tag == kSettlePeek) {
    // Bytes already here before the reply went out were sent without
    // waiting for it, whichever read would have taken them: the next command
    // is early, or, after a 354, the message, or, in an AUTH exchange (only
    // 334s are sent while it lasts), the answer the challenge asks for.
    if (waiting == 0) return;
    if (auth_)
      AuthAnsweredEarly(waiting);
    else
      (in_data_ ? data_early_ : early_) = true;
    return;
  }
  if (waiting == 0 || talked_early_) return;
  talked_early_ = std::string(tag);
  talked_early_bytes_ = waiting;
  Note('*', std::to_string(waiting) + " bytes from the client arrived " + talked_early_->c_str());
}

void ScriptedSession::SendReply(const std::string& text, SessionActions& out, const Step* paced) {
  std::string display = StandardReply(Expand(text), options_.hostname);
  std::vector<std::string> lines = ReplyLines(display);
  const bool watch = paced && MustWaitForReply();
  if (Verb(last_command_) == "EHLO" && !lines.empty() && LeadingCode(lines.back()) == 250 &&
      scenario_.server.advertise_size) {
    // The message size cap is advertised (RFC 1870) unless the script does.
    bool has_size = false;
    for (size_t i = 1; i < lines.size(); ++i) {
      has_size = has_size || (lines[i].size() > 4 && Verb(lines[i].substr(4)) == "SIZE");
    }
    if (!has_size && lines.size() >= 1) {
      lines.back()[3] = '-';
      lines.push_back("250 SIZE " + std::to_string(MaxMessage()));
    }
  }
  std::string wire;
  for (size_t i = 0; i < lines.size(); ++i) {
    wire += lines[i] + "\r\n";
    Note('S', lines[i]);
    secrets_.Server(lines[i]);
    if (i > 0 && lines[i].size() > 4) {
      std::string kw = Verb(std::string_view(lines[i]).substr(4));
      if (kw == "PIPELINING") pipelining_advertised_ = true;
    }
  }
  int code = lines.empty() ? 0 : LeadingCode(lines.back());
  // RFC 2920 3.1: DATA ends a group even with PIPELINING, so the 354 is
  // delayed too: a message sent before it is then seen to be early.
  // The settle time: a client that waits has nothing to send now; one that
  // does not has its next command in our socket buffer by the end of it
  // (loopback: microseconds). The peek then decides, not which side wins the
  // race between our write and the client's next bytes.
  // A 334 challenge ends a group too (RFC 4954 4: AUTH is the last command
  // of a group; its answers follow the challenges).
  if (scenario_.strict.pipelining &&
      (!pipelining_advertised_ || code == 354 || (code == 334 && auth_)) &&
      options_.pipelining_probe.count() > 0) {
    // Before a 334 our ACK goes out first: a client writing its answers one
    // by one without waiting would otherwise have the next held by its
    // kernel until the 334 carried the ACK (Nagle), and pass. (Not for the
    // other replies: it would change how a lab client's burst falls into
    // reads, and so the score of no_wait.py, which the delayed ACK keeps in
    // one segment.)
    out.push_back(code == 334 && auth_ ? SessionAction::AckAndPause(options_.pipelining_probe)
                                       : SessionAction::Pause(options_.pipelining_probe));
    if (!last_command_.empty()) out.push_back(SessionAction::Peek(std::string(kSettlePeek)));
  }
  // What the reply answers, for the report ("before the end of the reply to
  // "EHLO x"").
  const std::string what = last_command_.empty()
                               ? std::string("the greeting")
                               : "the reply to \"" + EscapeBytes(last_command_) + "\"";
  if (paced && paced->reply_delay.count() > 0) {
    out.push_back(SessionAction::Pause(paced->reply_delay));
    if (watch) {
      out.push_back(SessionAction::Peek("before " + what + " (delayed " +
                                        FormatDuration(paced->reply_delay) + ")"));
    }
  }
  if (paced && paced->split_bytes > 0 && wire.size() > paced->split_bytes) {
    const size_t n = paced->split_bytes;
    for (size_t at = 0; at < wire.size(); at += n) {
      if (at > 0) {
        if (paced->split_delay.count() > 0) out.push_back(SessionAction::Pause(paced->split_delay));
        if (watch) {
          out.push_back(SessionAction::Peek(
              "before the end of " + what + " (written in " + std::to_string(n) + "-byte pieces, " +
              FormatDuration(paced->split_delay) + " apart; " + std::to_string(at) + " of " +
              std::to_string(wire.size()) + " bytes sent)"));
        }
      }
      out.push_back(SessionAction::Write(wire.substr(at, n)));
    }
  } else {
    out.push_back(SessionAction::Write(wire));
  }
  if (code == 354 && !stopped_) {
    in_data_ = true;
    message_.clear();
    data_partial_.clear();
    message_raw_.clear();
    message_size_ = 0;
    data_bare_.reset();
    data_line_bare_lf_ = false;
    data_end_.reset();
    data_early_ = framer_.buffered() > 0;
  }
  if (code == 221 || code == 421) {
    closing_ = true;
    out.push_back(SessionAction::Close());
  }
  if (code == 220 && !tls_started_ && UpperTrim(last_command_) == "STARTTLS") {
    // RFC 3207: TLS starts now (the scenario's `server: {tls: {starttls:
    // true}}` gives the certificate); plaintext sent after the command is
    // discarded, never read as commands inside TLS.
    tls_started_ = true;
    framer_.TakeRaw();
    out.push_back(SessionAction::StartTls());
  }
}

void ScriptedSession::RunReplySteps(SessionActions& out) {
  while (cursor_ < scenario_.steps.size() && scenario_.steps[cursor_].kind == StepKind::kReply) {
    StepStarted();
    NoteStepAtCursor();
    const Step& step = scenario_.steps[cursor_];
    report_.steps[cursor_].sent = StandardReply(Expand(step.text), options_.hostname);
    SendReply(step.text, out, &step);
    Pass(cursor_, "");
    ++cursor_;
  }
  StepStarted();
}

}  // namespace smtp
