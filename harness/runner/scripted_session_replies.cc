// What the scripted session sends: a step's reply in its standard form, the
// SIZE it advertises, the pipelining probe, and what a reply starts (DATA's
// 354, STARTTLS's 220, closing after 221/421); `reply:` steps in a row.
#include "harness/core/reply.h"
#include "harness/runner/script_text.h"
#include "harness/runner/scripted_session.h"
#include "harness/scenario/standard_replies.h"

namespace smtp {

using script::ReplyLines;
using script::UpperTrim;
using script::Verb;

void ScriptedSession::SendReply(const std::string& text, SessionActions& out) {
  std::string display = StandardReply(Expand(text), options_.hostname);
  std::vector<std::string> lines = ReplyLines(display);
  if (Verb(last_command_) == "EHLO" && !lines.empty() && LeadingCode(lines.back()) == 250) {
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
  if (scenario_.strict.pipelining && (!pipelining_advertised_ || code == 354) &&
      options_.pipelining_probe.count() > 0) {
    out.push_back(SessionAction::Pause(options_.pipelining_probe));
  }
  out.push_back(SessionAction::Write(wire));
  if (code == 354 && !stopped_) {
    in_data_ = true;
    message_.clear();
    data_partial_.clear();
    message_raw_.clear();
    message_size_ = 0;
    data_bare_.reset();
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
    SendReply(step.text, out);
    Pass(cursor_, "");
    ++cursor_;
  }
  StepStarted();
}

}  // namespace smtp
