#include "harness/runner/scripted_session.h"

#include <cctype>
#include <chrono>

#include "harness/core/base64.h"
#include "harness/core/dot_stuffing.h"
#include "harness/core/sasl.h"
#include "harness/core/secret_redactor.h"
#include "harness/core/transcript.h"
#include "harness/runner/grade_limits.h"
#include "harness/scenario/server_matcher_eval.h"
#include "harness/scenario/var_expander.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

constexpr size_t kMaxReceived = kGradeReceivedBytes;
constexpr size_t kLineLimit = 1 << 20;  // grading reads long lines whole

std::string CapText(const std::string& text, size_t cap) {
  if (text.size() <= cap) return text;
  return text.substr(0, cap) + "[... " + std::to_string(text.size() - cap) + " more bytes]";
}

int CodeOf(std::string_view line) {
  if (line.size() < 3) return 0;
  for (int i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return 0;
  }
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
    start = nl + 1;
  }
  return out;
}

std::string Raw(const FramedLine& line) {
  return line.text + (line.ending == LineEnding::kCrlf ? "\r\n" : "\n");
}

std::string Verb(std::string_view line) { return Upper(line.substr(0, line.find(' '))); }

// What a server answers when the script gives no reply for a command.
std::string DefaultReplyFor(const std::string& command) {
  std::string verb = Verb(command);
  if (verb == "QUIT") return "221";
  if (verb == "DATA") return "354";
  return "250";
}

std::string UpperTrim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return Upper(s);
}

bool IsQuitMatcher(const CommandMatcher& m) {
  if (m.verb) return UpperTrim(*m.verb) == "QUIT";
  if (m.glob) return UpperTrim(std::string_view(*m.glob).substr(0, m.glob->find(' '))) == "QUIT";
  return false;
}

// A glob whose verb lists alternatives ("HELO|EHLO *") matches when one of
// them does; everything else is the loader's matcher as it is.
MatchOutcome MatchCommandStep(const CommandMatcher& m, std::string_view line, const VarMap& vars) {
  if (m.glob) {
    const std::string& g = *m.glob;
    size_t sp = g.find(' ');
    std::string verbs = g.substr(0, sp);
    if (verbs.find('|') != std::string::npos) {
      std::string rest = sp == std::string::npos ? "" : g.substr(sp);
      MatchOutcome first;
      size_t start = 0;
      for (bool more = true; more;) {
        size_t bar = verbs.find('|', start);
        more = bar != std::string::npos;
        CommandMatcher alt = m;
        alt.glob = verbs.substr(start, more ? bar - start : std::string::npos) + rest;
        MatchOutcome r = MatchCommand(alt, line, vars);
        if (r.ok) return r;
        if (first.reason.empty()) first = r;
        start = bar + 1;
      }
      first.expected = DescribeCommandMatcher(m);
      first.reason =
          "command \"" + EscapeBytes(std::string(line)) + "\" does not match \"" + g + "\"";
      return first;
    }
  }
  return MatchCommand(m, line, vars);
}

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
    if (r.line > 0) where += ":" + std::to_string(r.line);
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

size_t ScriptedSession::MaxMessage() const {
  size_t configured = scenario_.server.max_message_size;
  return configured > 0 ? configured : kGradeDefaultMaxMessage;
}

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
  if (waiting == 0 || talked_early_) return;
  talked_early_ = std::string(tag);
  talked_early_bytes_ = waiting;
  Note('*', std::to_string(waiting) + " bytes from the client arrived " + talked_early_->c_str());
}

void ScriptedSession::SendReply(const std::string& text, SessionActions& out, const Step* paced) {
  std::string display = StandardReply(Expand(text), options_.hostname);
  std::vector<std::string> lines = SplitLines(display);
  const bool watch = paced && MustWaitForReply();
  if (Verb(last_command_) == "EHLO" && !lines.empty() && CodeOf(lines.back()) == 250 &&
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
  int code = lines.empty() ? 0 : CodeOf(lines.back());
  // RFC 2920 3.1: DATA ends a group even with PIPELINING, so the 354 is
  // delayed too: a message sent before it is then seen to be early.
  if (scenario_.strict.pipelining && (!pipelining_advertised_ || code == 354) &&
      options_.pipelining_probe.count() > 0) {
    out.push_back(SessionAction::Pause(options_.pipelining_probe));
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
  std::optional<MatchOutcome> matched;
  while (cursor_ < scenario_.steps.size()) {
    const Step& s = scenario_.steps[cursor_];
    if (s.kind != StepKind::kExpectCommand) break;
    matched = MatchCommandStep(s.command, line.text, options_.vars);
    if (matched->ok || matched->error || repeats_ < s.repeat_min) break;
    FinishRepetition();
    matched.reset();
  }
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
    mismatch = StartAuth(step, line.text, out);
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
  std::string why;
  if (talked_early) {
    why =
        "\"" + EscapeBytes(text) + "\" was sent " + *talked_early +
        (previous.empty() ? ": a client waits for the greeting before it sends a command (RFC "
                            "5321 4.3.1, 3.1)"
                          : ": a client reads a reply to its last line before it sends the "
                            "next command (RFC 5321 4.2.1, 4.3.1" +
                                std::string(pipelining_advertised_ ? "; RFC 2920 3.1" : "") + ")");
  } else if (scenario_.strict.crlf && line.ending == LineEnding::kBareLf) {
    why = "the line ended with a bare LF (\\n) instead of CRLF (\\r\\n): \"" + shown + "\"";
  } else if (scenario_.strict.crlf && line.bare_cr) {
    why = "the line contains a bare CR (\\r): \"" + shown + "\"";
  } else if (scenario_.strict.pipelining && early && !pipelining_advertised_) {
    why = "\"" + EscapeBytes(text) + "\" was sent before the reply to \"" + EscapeBytes(previous) +
          "\" (the server did not advertise PIPELINING: wait for each reply before sending "
          "the next command)";
  }
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

std::string ScriptedSession::Redacted(const std::string& line) {
  std::string shown = secrets_.Client(line);
  if (shown == line) return shown;
  // What was hidden ("AUTH PLAIN <redacted>": what follows the common
  // start) leaves the exact bytes of the report too.
  size_t same = 0;
  while (same < line.size() && same < shown.size() && line[same] == shown[same]) ++same;
  RedactReceived(line.substr(same));
  return shown;
}

void ScriptedSession::RedactReceived(const std::string& secret) {
  if (secret.empty()) return;
  size_t at = report_.received.rfind(secret);
  if (at != std::string::npos) report_.received.replace(at, secret.size(), "<redacted>");
}

std::optional<std::string> ScriptedSession::StartAuth(const Step& step, const std::string& command,
                                                      SessionActions& out) {
  std::string shown = EscapeBytes(command);
  if (Verb(command) != "AUTH") return "expected AUTH, got \"" + shown + "\"";
  size_t mech_start = command.find_first_not_of(' ', 4);
  size_t mech_end =
      mech_start == std::string::npos ? std::string::npos : command.find(' ', mech_start);
  std::string mechanism = mech_start == std::string::npos
                              ? ""
                              : Verb(command.substr(mech_start, mech_end - mech_start));
  if (mechanism != "PLAIN" && mechanism != "LOGIN")
    return "AUTH " + mechanism + ": the script takes AUTH PLAIN or LOGIN";
  if (!step.auth_mechanism.empty() && mechanism != step.auth_mechanism)
    return "AUTH " + mechanism + " instead of AUTH " + step.auth_mechanism;
  std::string initial;
  if (mech_end != std::string::npos) {
    size_t at = command.find_first_not_of(' ', mech_end);
    if (at != std::string::npos) initial = command.substr(at);
  }
  auth_ = AuthExchange{mechanism, "", false};
  if (initial.empty()) {
    SendReply(mechanism == "LOGIN" ? "334 VXNlcm5hbWU6" : "334 ", out);
    return std::nullopt;
  }
  auto decoded = initial == "=" ? std::optional<std::string>("") : Base64Decode(initial);
  if (!decoded) {
    auth_.reset();
    return "AUTH " + mechanism + ": the initial response is not base64";
  }
  if (mechanism == "LOGIN") {
    auth_->user = *decoded;
    auth_->want_password = true;
    SendReply("334 UGFzc3dvcmQ6", out);
    return std::nullopt;
  }
  auto creds = sasl::ParsePlain(*decoded);
  FinishAuth(creds ? creds->authcid : std::string(), creds ? creds->password : std::string(), out);
  return std::nullopt;
}

void ScriptedSession::HandleAuthLine(const FramedLine& line, SessionActions& out) {
  if (line.text == "*") {
    Note('C', Redacted(line.text));
    auth_.reset();
    Fail(cursor_, "*", "the client cancelled the AUTH exchange (\"*\")");
    stopped_ = true;
    SendReply("501 5.7.0 Authentication cancelled", out);
    return;
  }
  Note('C', Redacted(line.text));
  auto decoded = Base64Decode(line.text);
  if (!decoded) decoded = std::string();  // compared below: a wrong credential
  if (auth_->mechanism == "LOGIN" && !auth_->want_password) {
    auth_->user = *decoded;
    auth_->want_password = true;
    SendReply("334 UGFzc3dvcmQ6", out);
    return;
  }
  if (auth_->mechanism == "LOGIN") {
    FinishAuth(auth_->user, *decoded, out);
    return;
  }
  auto creds = sasl::ParsePlain(*decoded);
  FinishAuth(creds ? creds->authcid : std::string(), creds ? creds->password : std::string(), out);
}

void ScriptedSession::FinishAuth(const std::string& user, const std::string& password,
                                 SessionActions& out) {
  const Step& step = scenario_.steps[cursor_];
  const std::string mechanism = auth_->mechanism;
  auth_.reset();
  const std::string want_user = Expand(step.auth_username);
  const std::string shown = "AUTH " + mechanism + " <redacted>";
  std::string why;
  if (user != want_user) {
    why = "AUTH " + mechanism + ": the user name \"" + EscapeBytes(user) + "\" is not \"" +
          EscapeBytes(want_user) + "\"";
  } else if (password != Expand(step.auth_password)) {
    // The variable that holds it may be named; a literal password may not.
    const std::string& p = step.auth_password;
    bool is_var =
        p.size() > 3 && p.rfind("${", 0) == 0 && p.back() == '}' && p.find('}') == p.size() - 1;
    why = "AUTH " + mechanism + ": the password is not the scenario's" +
          (is_var ? " (" + p + ")" : std::string());
  }
  if (!why.empty()) {
    Fail(cursor_, shown, why);
    stopped_ = true;
    SendReply("535 5.7.8 Authentication credentials invalid", out);
    return;
  }
  Pass(cursor_, shown);
  std::string reply = step.text.empty() ? "235 2.7.0 Authentication successful" : step.text;
  ++cursor_;
  report_.steps[cursor_ - 1].sent = StandardReply(Expand(reply), options_.hostname);
  SendReply(reply, out, &step);
  RunReplySteps(out);
}

void ScriptedSession::HandleDataLine(const FramedLine& line, SessionActions& out) {
  secrets_.Client(line.text);  // message text, never hidden; the redactor follows the session
  if (!data_bare_ && (line.ending == LineEnding::kBareLf || line.bare_cr)) {
    data_bare_ = EscapeBytes(Raw(line));
  }
  if (line.text == "." || (line.text == ".\r" && line.ending == LineEnding::kBareLf)) {
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
  Note('C', ".");
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
    if (scenario_.strict.crlf && data_bare_) {
      why = "the message has a line ending in a bare LF or CR instead of CRLF: \"" + *data_bare_ +
            "\"";
    }
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
  } else if (cursor_ >= scenario_.steps.size() ||
             scenario_.steps[cursor_].kind != StepKind::kReply) {
    SendReply("250 2.0.0 OK: message accepted", out);
  }
  RunReplySteps(out);
  early_ = framer_.buffered() > 0;
  last_command_ = "<CRLF>.<CRLF>";
}

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
