#include "harness/runner/client_runner.h"

#include "harness/core/command.h"
#include "harness/core/not_smtp.h"
#include "harness/runner/client_run.h"
#include "harness/runner/result_header.h"
#include "harness/scenario/reply_matcher_eval.h"
#include "harness/util/target.h"

namespace smtp {
namespace client_run {
namespace {

bool StepSendsEhlo(const Step& step) {
  if (step.kind == StepKind::kSend) return HasVerb(step.text, "EHLO");
  if (step.kind == StepKind::kPipeline) {
    for (const auto& l : step.lines) {
      if (HasVerb(l, "EHLO")) return true;
    }
  }
  return false;
}

}  // namespace

void ScenarioRun::Observe(const TranscriptEntry& e) {
  std::lock_guard<std::mutex> lock(mu_);
  TranscriptEntry copy = e;
  copy.t_ms = MsSince(start_);
  copy.step = current_step_;
  if (copy.dir == 'C') {
    copy.text = transcript_redactor_.Client(copy.text);
  } else if (copy.dir == 'S') {
    transcript_redactor_.Server(copy.text);
  }
  // A server sending megabytes must not make the report hold them all.
  size_t n = copy.text.size() + 16;
  if (transcript_bytes_ + n > opt_.caps.transcript_bytes) {
    ++dropped_lines_;
    dropped_bytes_ += copy.text.size();
    return;
  }
  transcript_bytes_ += n;
  transcript_.push_back(std::move(copy));
}

namespace {

// Keeps the first `cap` bytes of a text shown in reports, saying how much
// was left out.
void Clip(std::string& text, size_t cap) {
  if (text.size() <= cap) return;
  size_t more = text.size() - cap;
  text.resize(cap);
  text += "\n... (" + std::to_string(more) + " more bytes not shown)";
}

}  // namespace

std::string ScenarioRun::NotSmtpAdvice(const Problem& p) {
  if (fake_) return "";
  std::string first;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : transcript_) {
      if (e.dir == 'S') {
        first = e.text;
        break;
      }
    }
  }
  if (!first.empty()) return DescribeNonSmtpPeer(first);
  // Silent from the start: ask the port what it is, on a second connection
  // (after closing this one: a one-connection-at-a-time server would not
  // answer the probe while it still holds this one).
  if (!env_.probe || p.actual.rfind("no reply", 0) != 0) return "";
  if (conn_) conn_->Close();
  return env_.probe(host_, port_, std::min<Duration>(timeout_, std::chrono::seconds(2)));
}

void ScenarioRun::ErrorBeforeSteps(const std::string& message) {
  res_.status = Verdict::kError;
  FailureInfo f;
  f.step = -1;
  f.message = sc_.file + ": " + message;
  f.actual = message;
  res_.failure = f;
}

void ScenarioRun::Fail(const Step& step, const StepResult& r, const Problem& p) {
  res_.status = p.error ? Verdict::kError : Verdict::kFailed;
  FailureInfo f;
  f.step = step.index;
  f.line = step.pos.line;
  f.expected = p.expected.empty() ? r.expected : p.expected;
  // Failed before any reply was awaited (a write that timed out): what the
  // step would have expected.
  for (size_t i = 0; f.expected.empty() && i < step.expect.size(); ++i) {
    f.expected += (i ? "; " : "") + DescribeReplyMatcher(step.expect[i]);
  }
  f.actual = p.actual;
  Clip(f.expected, opt_.caps.shown_bytes);
  Clip(f.actual, opt_.caps.shown_bytes);
  std::string where = sc_.file + ":" + std::to_string(step.pos.line) + ": step " +
                      std::to_string(step.index) + " (" + StepKindName(step.kind) +
                      (step.name.empty() ? "" : " \"" + step.name + "\"") + ")";
  Problem shown = p;
  Clip(shown.actual, opt_.caps.shown_bytes);
  Clip(shown.why, opt_.caps.shown_bytes);
  f.message = StepFailureMessage(where, f.expected, shown);
  res_.failure = f;
}

std::optional<Problem> ScenarioRun::WriteBytes(const std::string& bytes) {
  Status s = conn_->Write(bytes, timeout_);
  if (s.ok()) return std::nullopt;
  return WriteProblem(s, timeout_);
}

std::optional<Problem> ScenarioRun::WriteOrClosed(const std::string& bytes, const Step& step,
                                                  StepResult& r, bool* closed) {
  Status s = conn_->Write(bytes, timeout_);
  if (s.ok()) return std::nullopt;
  // The server closed before we could send: what `expect: [..., closed]` allows.
  if ((s.IsClosed() || s.code() == Status::Code::kIo) && !step.expect.empty() &&
      step.expect.front().closed) {
    r.expected = DescribeReplyMatcher(step.expect.front());
    r.received = "(closed)";
    *closed = true;
    return std::nullopt;
  }
  return WriteProblem(s, timeout_);
}

std::optional<Problem> ScenarioRun::SendLine(const std::string& line, StepResult& r) {
  if (!r.sent.empty()) r.sent += "\n";
  r.sent += line;
  return WriteBytes(line + "\r\n");
}

std::optional<Problem> ScenarioRun::Expect(const ReplyMatcher& m, const std::string& sent_line,
                                           StepResult& r, Reply* out) {
  std::string described = DescribeReplyMatcher(m);
  if (!r.expected.empty()) r.expected += "; ";
  r.expected += described;
  auto reply = conn_->ReadReply(timeout_);
  if (!reply.ok()) {
    if (m.closed && ClosedBeforeReply(reply.status())) {
      if (!r.received.empty()) r.received += "\n";
      r.received += "(closed)";
      return std::nullopt;
    }
    Problem p = ReadProblem(reply.status(), timeout_, ReplyAwaited(sent_line));
    p.expected = described;
    return p;
  }
  if (!r.received.empty()) r.received += "\n";
  r.received += reply->ToDisplay();
  for (const auto& l : reply->lines) step_reply_bytes_ += l.size() + 6;
  if (step_reply_bytes_ > opt_.caps.step_reply_bytes) {
    Problem p = Mismatch("replies of " + std::to_string(step_reply_bytes_) + " bytes",
                         "more than " + std::to_string(opt_.caps.step_reply_bytes) +
                             " bytes of replies in one step (cap: reply bytes per step)");
    p.expected = described;
    return p;
  }
  if (out) *out = *reply;
  if (HasVerb(sent_line, "EHLO") && reply->code == 250) {
    OnEhloReply(*reply);
    if (!scenario_skip_.empty() || !step_skip_.empty()) return std::nullopt;
  }
  MatchOutcome check = Match(m, *reply, vars_);
  if (check.ok) return std::nullopt;
  Problem p = Mismatch(reply->ToDisplay(), check.reason,
                       check.expected.empty() ? described : check.expected);
  p.error = check.error;  // a regex that hit a limit decided nothing
  return p;
}

std::string ScenarioRun::Missing(const std::vector<std::string>& needed) const {
  std::string missing;
  for (const auto& ext : needed) {
    if (!ehlo_ || !ehlo_->Has(ext)) missing += (missing.empty() ? "" : ", ") + ext;
  }
  return missing;
}

void ScenarioRun::OnEhloReply(const Reply& reply) {
  // Only a 250 tells the capabilities: a refused EHLO is the step's to judge
  // (an RFC 5321 server must accept EHLO), so it fails rather than skips.
  ehlo_ = ParseEhlo(reply);
  // The scenario's own `requires:` is judged on the first EHLO reply only:
  // after STARTTLS the new EHLO rightly no longer lists STARTTLS.
  if (!requires_judged_) {
    requires_judged_ = true;
    std::string absent = Missing(sc_.required_extensions);
    if (!absent.empty()) {
      scenario_skip_ = "server did not advertise " + absent;
    }
  }
  if (step_requires_deferred_ && step_) {
    step_requires_deferred_ = false;
    std::string absent = Missing(step_->required_extensions);
    if (!absent.empty()) step_skip_ = "server did not advertise " + absent;
  }
}

std::optional<Problem> ScenarioRun::ExpectDefault(const std::vector<ReplyMatcher>& ms,
                                                  const char* code, const std::string& sent_line,
                                                  StepResult& r, Reply* out) {
  if (!ms.empty()) return Expect(ms.front(), sent_line, r, out);
  ReplyMatcher m;
  m.codes = {code};
  return Expect(m, sent_line, r, out);
}

// The step's `sent` goes to JSON, JUnit, Gradescope and -v: AUTH secrets
// are hidden by the same session-state rule as the transcript's, fed the
// step's lines and then its replies.
void ScenarioRun::RedactStep(StepResult& r) {
  r.sent = step_redactor_.ClientLines(r.sent);
  size_t start = 0;
  while (start < r.received.size()) {
    size_t nl = r.received.find('\n', start);
    if (nl == std::string::npos) nl = r.received.size();
    step_redactor_.Server(std::string_view(r.received).substr(start, nl - start));
    start = nl + 1;
  }
}

ScenarioResult ScenarioRun::Execute() {
  start_ = Clock::now();
  res_ = ResultHeader(sc_);
  std::string target_text = opt_.target.value_or(sc_.target);
  res_.target = target_text;
  for (const auto& step : sc_.steps) {
    StepResult r;
    r.index = step.index;
    r.line = step.pos.line;
    r.kind = StepKindName(step.kind);
    r.name = step.name;
    r.points = step.points;
    res_.steps.push_back(r);
  }
  default_timeout_ = opt_.timeout.value_or(sc_.timeout);

  auto finish = [&]() -> ScenarioResult {
    if (conn_) conn_->Close();
    conn_.reset();
    fake_.reset();
    {
      std::lock_guard<std::mutex> lock(mu_);
      res_.transcript = std::move(transcript_);
      if (dropped_lines_ > 0) {
        res_.transcript.push_back(TranscriptEntry{
            MsSince(start_), '*',
            std::to_string(dropped_lines_) + " more lines (" + std::to_string(dropped_bytes_) +
                " bytes) not kept: over " + std::to_string(opt_.caps.transcript_bytes) +
                " bytes (cap: transcript bytes per scenario)"});
      }
    }
    res_.duration_ms = MsSince(start_);
    return std::move(res_);
  };

  auto target = ParseTarget(target_text);
  if (!target.ok()) {
    ErrorBeforeSteps(target.status().message());
    return finish();
  }
  auto vars = BuildVarMap(sc_, VarMap(opt_.vars.begin(), opt_.vars.end()));
  if (!vars.ok()) {
    ErrorBeforeSteps(vars.status().message());
    return finish();
  }
  vars_ = *vars;

  ConnectOptions co;
  co.connect_timeout = default_timeout_;
  co.tls.verify = opt_.tls_verify;  // smtps only; starttls steps choose their own
  co.tls.ca_file = opt_.tls_ca_file;
  if (target->kind == Target::Kind::kFake) {
    auto fake = env_.start_fake(sc_.server);
    if (!fake.ok()) {
      ErrorBeforeSteps(fake.status().message());
      return finish();
    }
    fake_ = std::move(*fake);
    co.host = "127.0.0.1";
    co.port = fake_->port();
    co.implicit_tls = sc_.server.tls.implicit;
  } else {
    co.host = target->host;
    co.port = target->port;
    co.implicit_tls = target->kind == Target::Kind::kSmtps;
  }
  host_ = co.host;
  port_ = co.port;
  co.tls.server_name = co.host;
  auto conn = env_.connect(co);
  if (!conn.ok()) {
    ErrorBeforeSteps("target " + target_text + ": " + conn.status().message());
    return finish();
  }
  conn_ = std::move(*conn);
  conn_->set_observer([this](const TranscriptEntry& e) { Observe(e); });
  conn_->set_reply_limits(opt_.caps.reply_lines, opt_.caps.step_reply_bytes);

  res_.status = Verdict::kPassed;
  for (size_t i = 0; i < sc_.steps.size(); ++i) {
    const Step& step = sc_.steps[i];
    StepResult& r = res_.steps[i];
    if (opt_.cancelled()) {
      res_.status = Verdict::kError;
      res_.failure = FailureInfo{step.index, step.pos.line, "", "interrupted",
                                 sc_.file + ":" + std::to_string(step.pos.line) + ": interrupted"};
      break;
    }
    step_ = &step;
    step_skip_.clear();
    step_requires_deferred_ = false;
    std::string missing = Missing(step.required_extensions);
    if (!missing.empty() && !ehlo_ && StepSendsEhlo(step)) {
      step_requires_deferred_ = true;  // its own reply tells
    } else if (!missing.empty()) {
      r.status = Verdict::kSkipped;
      r.message =
          ehlo_ ? "server did not advertise " + missing : "no EHLO reply seen to check " + missing;
      continue;
    }
    timeout_ = step.timeout.value_or(default_timeout_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      current_step_ = step.index;
    }
    auto t0 = Clock::now();
    step_reply_bytes_ = 0;
    auto problem = RunStep(step, r);
    r.duration_ms = MsSince(t0);
    RedactStep(r);
    Clip(r.sent, opt_.caps.shown_bytes);
    Clip(r.received, opt_.caps.shown_bytes);
    if (!scenario_skip_.empty()) {
      r.status = Verdict::kSkipped;
      r.message = scenario_skip_ + " (the scenario requires it)";
      res_.status = Verdict::kSkipped;
      res_.skip_reason = scenario_skip_;
      break;
    }
    if (!step_skip_.empty()) {
      r.status = Verdict::kSkipped;
      r.message = step_skip_;
      continue;
    }
    if (!problem) {
      r.status = Verdict::kPassed;
      if (!end_message_.empty()) {
        r.message = end_message_ + "; the steps after it did not run";
        break;
      }
    } else if (step.optional && !problem->error) {
      r.status = Verdict::kPassed;
      r.optional_mismatch = true;
      r.message = "optional: expected " +
                  OneLine(problem->expected.empty() ? r.expected : problem->expected) + ", got " +
                  OneLine(problem->actual);
    } else {
      r.status = problem->error ? Verdict::kError : Verdict::kFailed;
      if (std::string advice = NotSmtpAdvice(*problem); !advice.empty()) {
        problem->why = advice;
      }
      r.message = problem->why.empty() ? problem->actual : problem->why;
      if (!res_.failure) Fail(step, r, *problem);
      // run --update observes the whole conversation, so one pass fixes
      // every mismatched reply; the verdict stays that of the first.
      if (!opt_.update || problem->error) break;
    }
  }
  return finish();
}

}  // namespace client_run

ScenarioResult RunClientScenario(const Scenario& scenario, const RunOptions& options,
                                 const ClientRunnerEnv& env) {
  client_run::ScenarioRun run(scenario, options, env);
  return run.Execute();
}

}  // namespace smtp
