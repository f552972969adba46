// ScriptedSession: the server side of one server-mode session (SPEC §4). It
// plays a scenario's steps against the client under test: sends the `reply:`
// lines, matches each command and the message, applies the `strict:` checks,
// and records per-step results, the exact bytes received and a transcript
// (AUTH secrets redacted by session state; all of it bounded: grade_limits.h).
//
// No I/O: the FakeServer engine (or a test) feeds bytes and carries out the
// returned actions. When the session ends (OnEnd, or destruction without it)
// the report goes to `on_done`, exactly once, on the calling thread.
//
// Failure policy, so partial credit stays meaningful: a wrong command stops
// the script (the client gets 503s, QUIT still gets 221); a strict-rule
// violation (bare LF/CR, unannounced pipelining) or a message that does not
// match fails its step but the script goes on.
//
// Repetition (SPEC §9): an expect step with `repeat: {min, max}` (or
// `optional: true`, min 0) takes up to max matching commands in a row,
// replying to each; a command it does not match, once it has its min, goes
// to the next step. Matching is greedy: a command the repeating step matches
// is its own, even if the next step would match it too.
//
// Pacing: a step's `delay:` waits before its reply, `split:` writes it in
// pieces; meanwhile the engine peeks (kPeek) for bytes from the client. A
// client that talks before the greeting or in the middle of a reply it must
// read whole fails the step its early bytes belong to (the next command, or
// the message).
//
// With strict.crlf only CRLF ends a message line, as on the wire: a bare LF
// stays inside the line (so a "." after it is not dot-unstuffed), and the
// bare LF is the reason the message step fails, ahead of its content check.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/line_framer.h"
#include "harness/core/secret_redactor.h"
#include "harness/core/session_logic.h"
#include "harness/report/run_result.h"
#include "harness/scenario/match_outcome.h"
#include "harness/scenario/model.h"
#include "harness/scenario/standard_replies.h"

namespace smtp {

struct ScriptOptions {
  std::map<std::string, std::string> vars;  // ${name} in replies and matchers
  // How long to wait for the client at a step without its own `timeout:`
  // (`--timeout`, else the scenario's). The engine enforces it through
  // ReadTimeout(); the session names it when the client goes quiet.
  Duration step_timeout{std::chrono::seconds(5)};
  // With strict.pipelining and no PIPELINING advertised (and before every
  // 354), each reply to a command waits this long first, then the engine
  // peeks: bytes from the client already waiting were sent before the reply,
  // so the next command (or the message) fails its step. The same before
  // each 334 challenge of an `auth:` step, PIPELINING or not (RFC 4954 4):
  // an answer already there fails the auth step. A client that sends
  // without waiting has its next bytes in by then, a client that waits
  // cannot: the verdict does not depend on how the reads fall. 0: neither.
  Duration pipelining_probe{std::chrono::milliseconds(25)};
  std::string hostname = "smtp-harness.test";  // in standard 220/221 texts
  std::function<double()> now_ms;  // transcript clock; default: steady clock from construction
};

struct SessionReport {
  int session = 0;                // 1-based
  std::vector<StepResult> steps;  // one per scenario step, in order
  Transcript transcript;
  std::string received;                 // every byte the client sent, exactly (capped at 1 MiB)
  std::vector<std::string> unexpected;  // commands the script did not expect (the first 100)
  std::optional<FailureInfo> failure;   // the first failing step
  bool completed = false;               // every step passed or was checked
  std::optional<SessionEnd> end;        // how the session ended (set by OnEnd)
  // The AUTH credentials hidden from the transcript, as sent (base64): the
  // grader takes them out of the client's own output too (in no report).
  std::vector<std::string> secrets;
};

class ScriptedSession : public SessionLogic {
 public:
  ScriptedSession(const Scenario& scenario, int session, ScriptOptions options,
                  std::function<void(SessionReport)> on_done);
  ~ScriptedSession() override;
  ScriptedSession(const ScriptedSession&) = delete;
  ScriptedSession& operator=(const ScriptedSession&) = delete;

  SessionActions OnConnect() override;
  SessionActions OnBytes(std::string_view bytes) override;
  SessionActions OnEnd(SessionEnd end) override;
  // A step's `delay:` or `split:` asked to watch the client while its reply
  // was not out yet: bytes waiting fail the step of the next command. The
  // pipelining probe's peek (kSettlePeek) marks the next command, the
  // message after a 354, or the AUTH answer a 334 asks for, as sent before
  // the reply (strict.pipelining).
  void OnPeek(std::string_view tag, size_t waiting) override;
  // The timeout of the step waiting for the client's next bytes (the one at
  // the cursor); the default step timeout once the script stopped or ended.
  std::optional<Duration> ReadTimeout() const override { return TimeoutAt(cursor_); }

  const SessionReport& report() const { return report_; }

 private:
  // The tag of the peek at the end of the pipelining probe's settle time.
  static constexpr std::string_view kSettlePeek = "settle";
  // scripted_session.cc: commands against the step at the cursor.
  void HandleCommand(const FramedLine& line, SessionActions& out);
  std::string Expand(const std::string& text) const;
  std::string Expected(const Step& step) const;
  Duration TimeoutAt(size_t index) const;

  // scripted_session_repeat.cc: `repeat:` and `optional:` steps.
  // The match of `command` at the cursor, after repeating steps that have
  // their min and do not match it gave way; nullopt at a non-expect step.
  std::optional<MatchOutcome> MatchPastRepetitions(const std::string& command);
  // Ends the repeating step at the cursor (it has its min) and moves on.
  void FinishRepetition();
  // Moves past repeating steps that have their min (before a message or at
  // the end of the session, where no command can match them any more).
  void SettleRepetitions();
  void RecordMatch(size_t index, const std::string& shown, const std::string& why);

  // scripted_session_auth.cc: an `auth:` step (RFC 4954): the AUTH command
  // starts the exchange, the lines after a 334 continue it. Empty when the
  // command is taken. `problem`: the AUTH line broke a strict rule (sent
  // early, a bare LF): the step fails with it if the credentials are right.
  std::optional<std::string> StartAuth(const Step& step, const std::string& command,
                                       std::string problem, SessionActions& out);
  void HandleAuthLine(const FramedLine& line, SessionActions& out);
  void FinishAuth(const std::string& user, const std::string& password, SessionActions& out);
  // A 334 challenge. strict.pipelining: client bytes already here when it is
  // about to go out (read with the last line now, or waiting in the socket
  // at the settle peek: AuthAnsweredEarly) were sent before it, so the
  // answer it asks for was not an answer to it (RFC 4954 4).
  void SendChallenge(const std::string& text, SessionActions& out);
  void AuthAnsweredEarly(size_t bytes);
  std::string AwaitedAnswer() const;  // "the user name", "the password", "the response"
  // The line as reports may show it (AUTH credentials hidden); what was
  // hidden is also taken out of report_.received.
  std::string Redacted(const std::string& line);
  void RedactReceived(const std::string& secret);

  // scripted_session_data.cc: the message after a 354.
  void HandleDataLine(const FramedLine& line, SessionActions& out);
  void FinishMessage(const FramedLine& dot_line, SessionActions& out);
  // strict.crlf: why the message's line endings fail it (its end first), or
  // nullopt; lenient: nullopt, and a transcript note of an end not CRLF.CRLF.
  std::optional<std::string> LineEndingProblem(const FramedLine& dot_line);
  size_t MaxMessage() const;

  // scripted_session_replies.cc: what goes back to the client.
  // Sends the replies of the `reply:` steps at the cursor, advancing past them.
  void RunReplySteps(SessionActions& out);
  // `paced`: the step whose `delay:`/`split:` the reply follows.
  void SendReply(const std::string& text, SessionActions& out, const Step* paced = nullptr);
  // Whether bytes from the client before this reply is complete break a
  // rule: always before the greeting; after a command, unless PIPELINING
  // lets the client go on (RFC 2920 3.1: not after EHLO, DATA, ...).
  bool MustWaitForReply() const;

  // scripted_session_results.cc: step results and the transcript.
  void StepStarted();
  void Pass(size_t index, const std::string& received, const std::string& note = {});
  void Fail(size_t index, const std::string& received, const std::string& why);
  void FailUnexpected(const std::string& line, const std::string& why);
  void Note(char dir, const std::string& text);  // bounded: grade_limits.h
  void NoteUnexpected(const std::string& line);
  void NoteStepAtCursor();  // the transcript lines that follow belong to the cursor's step

  // scripted_session_end.cc: the report, delivered once.
  void Deliver();

  const Scenario& scenario_;
  ScriptOptions options_;
  std::function<void(SessionReport)> on_done_;
  SessionReport report_;
  LineFramer framer_;
  size_t cursor_ = 0;
  int note_step_ = -1;  // stamped on transcript lines
  int repeats_ = 0;     // commands the step at the cursor has matched so far
  double step_started_ms_ = 0;
  bool in_data_ = false;
  std::string message_;                      // dot-unstuffed, CRLF lines
  std::string message_raw_;                  // as received (reports show these bytes)
  std::string data_partial_;                 // strict.crlf: a line's bytes up to a bare LF
  std::optional<std::string> data_bare_;     // first message line with a bare LF/CR, escaped
  bool data_line_bare_lf_ = false;           // the last message line ended in a bare LF
  std::optional<std::string> data_end_;      // the end of data when not CRLF.CRLF ("\r\n.\n")
  bool data_early_ = false;                  // message bytes arrived before the 354
  bool stopped_ = false;                     // a wrong command stopped the script
  bool closing_ = false;                     // a 221 was sent; Close follows
  bool early_ = false;                       // the next line was queued before our last reply
  std::optional<std::string> talked_early_;  // OnPeek saw bytes: "before the greeting (...)"
  size_t talked_early_bytes_ = 0;            // how many
  std::string last_command_;                 // for the "sent before the reply to X" message
  bool pipelining_advertised_ = false;
  bool delivered_ = false;
  size_t message_size_ = 0;        // the message's size, also past the cap
  size_t transcript_bytes_ = 0;    // transcript text kept
  size_t transcript_dropped_ = 0;  // lines past kGradeTranscriptBytes
  size_t unexpected_count_ = 0;    // commands after the script stopped, all of them
  bool flooded_ = false;           // kGradeUnexpectedCommands passed: closing
  bool tls_started_ = false;       // a 220 answered STARTTLS
  SecretRedactor secrets_;         // follows every line both ways
  struct AuthExchange {
    std::string mechanism;  // PLAIN or LOGIN
    std::string user;       // LOGIN: the user name, once given
    bool want_password = false;
    std::vector<std::string> early;  // answers sent before the 334 that asks for them
    std::string problem;             // the first strict rule a line of it broke
  };
  std::optional<AuthExchange> auth_;  // between AUTH and its final reply
};

}  // namespace smtp
