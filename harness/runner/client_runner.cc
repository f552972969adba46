#include "harness/runner/client_runner.h"

#include <cctype>
#include <chrono>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "harness/core/dot_stuffing.h"
#include "harness/runner/sasl_encode.h"
#include "harness/runner/target.h"
#include "harness/scenario/reply_matcher_eval.h"
#include "harness/scenario/var_expander.h"

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

bool StartsWithVerb(const std::string& line, const char* verb) {
  size_t n = std::char_traits<char>::length(verb);
  if (line.size() < n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != verb[i]) return false;
  }
  return line.size() == n || line[n] == ' ';
}

// One line for messages: a multi-line reply reads "250-a | 250 b".
std::string OneLine(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += " | ";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

// What happened in a step that did not pass.
struct Problem {
  bool error = false;    // the run could not be carried out (not the server's fault)
  std::string actual;    // what was seen instead ("550 ...", "no reply within 5s")
  std::string why;       // detail when actual alone does not say it
  std::string expected;  // the one expectation that failed (a step may have several)
};

Problem Err(std::string what) { return Problem{true, std::move(what), "", ""}; }
Problem Mismatch(std::string actual, std::string why, std::string expected = "") {
  return Problem{false, std::move(actual), std::move(why), std::move(expected)};
}

class ScenarioRun {
 public:
  ScenarioRun(const Scenario& s, const RunOptions& o, const ClientRunnerEnv& env)
      : sc_(s), opt_(o), env_(env) {}

  ScenarioResult Execute();

 private:
  // Each returns nullopt when the step passed.
  std::optional<Problem> RunStep(const Step& step, StepResult& r);
  std::optional<Problem> SendLine(const std::string& line, StepResult& r);
  std::optional<Problem> WriteBytes(const std::string& bytes);
  std::optional<Problem> Expect(const ReplyMatcher& m, const std::string& sent_line, StepResult& r,
                                Reply* out = nullptr);
  std::optional<Problem> ExpectDefault(const std::vector<ReplyMatcher>& ms, const char* code,
                                       const std::string& sent_line, StepResult& r,
                                       Reply* out = nullptr);
  std::optional<Problem> RunAuth(const Step& step, StepResult& r);
  std::optional<Problem> RunMail(const Step& step, StepResult& r);
  Result<std::string> Exp(const std::string& text) { return Expand(text, vars_); }
  void AddSecret(const std::string& s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!s.empty()) secrets_.push_back(s);
  }
  void Observe(const TranscriptEntry& e);
  void Fail(const Step& step, const StepResult& r, const Problem& p);
  void ErrorBeforeSteps(const std::string& message);

  const Scenario& sc_;
  const RunOptions& opt_;
  const ClientRunnerEnv& env_;
  ScenarioResult res_;
  Clock::time_point start_;
  Duration timeout_{0};  // the current step's deadline
  Duration default_timeout_{0};
  VarMap vars_;
  std::unique_ptr<FakeTargetHandle> fake_;
  std::unique_ptr<SmtpConnection> conn_;
  std::string host_;
  std::optional<EhloInfo> ehlo_;
  std::string scenario_skip_;

  std::mutex mu_;  // the observer may be called from the connection's thread
  Transcript transcript_;
  std::vector<std::string> secrets_;
};

void ScenarioRun::Observe(const TranscriptEntry& e) {
  std::lock_guard<std::mutex> lock(mu_);
  TranscriptEntry copy = e;
  copy.t_ms = MsSince(start_);
  if (copy.dir == 'C') {
    for (const auto& s : secrets_) {
      for (size_t p; (p = copy.text.find(s)) != std::string::npos;) {
        copy.text.replace(p, s.size(), "<redacted>");
      }
    }
  }
  transcript_.push_back(std::move(copy));
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
  f.actual = p.actual;
  std::string where = sc_.file + ":" + std::to_string(step.pos.line) + ": step " +
                      std::to_string(step.index) + " (" + StepKindName(step.kind) +
                      (step.name.empty() ? "" : " \"" + step.name + "\"") + ")";
  if (p.error) {
    f.message = where + ": " + OneLine(p.why.empty() ? p.actual : p.why);
  } else {
    f.message = where + ": expected " + OneLine(f.expected) + ", got " + OneLine(p.actual);
    // "code 550 is not 2xx" says nothing that expected-vs-got does not.
    if (!p.why.empty() && p.why.rfind("code ", 0) != 0) f.message += " (" + OneLine(p.why) + ")";
  }
  res_.failure = f;
}

std::optional<Problem> ScenarioRun::WriteBytes(const std::string& bytes) {
  Status s = conn_->Write(bytes, timeout_);
  if (s.ok()) return std::nullopt;
  Problem p;
  if (s.IsTimeout()) {
    p.actual = "could not send within " + FormatDuration(timeout_);
  } else if (s.code() == Status::Code::kClosed || s.code() == Status::Code::kIo) {
    p.actual = "connection closed by the server";
    p.why = s.message();
  } else {
    p.error = true;
    p.actual = s.message();
  }
  return p;
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
    const Status& s = reply.status();
    Problem p;
    if (s.IsTimeout()) {
      p.actual = "no reply within " + FormatDuration(timeout_);
    } else if (s.IsClosed()) {
      p.actual = "connection closed by the server";
    } else if (s.code() == Status::Code::kProtocol) {
      p.actual = "malformed reply";
      p.why = s.message();
    } else if (s.code() == Status::Code::kIo) {
      p.actual = "connection lost";
      p.why = s.message();
    } else {
      p.error = true;
      p.actual = s.message();
    }
    p.expected = described;
    return p;
  }
  if (!r.received.empty()) r.received += "\n";
  r.received += reply->ToDisplay();
  if (out) *out = *reply;
  if (StartsWithVerb(sent_line, "EHLO") && reply->code == 250) ehlo_ = ParseEhlo(*reply);
  MatchOutcome check = Match(m, *reply, vars_);
  // The description with variables expanded says what was really checked.
  if (!check.expected.empty() && check.expected != described) {
    r.expected.replace(r.expected.size() - described.size(), described.size(), check.expected);
  }
  if (check.ok) return std::nullopt;
  return Mismatch(reply->ToDisplay(), check.reason,
                  check.expected.empty() ? described : check.expected);
}

std::optional<Problem> ScenarioRun::ExpectDefault(const std::vector<ReplyMatcher>& ms,
                                                  const char* code, const std::string& sent_line,
                                                  StepResult& r, Reply* out) {
  if (!ms.empty()) return Expect(ms.front(), sent_line, r, out);
  ReplyMatcher m;
  m.codes = {code};
  return Expect(m, sent_line, r, out);
}

std::optional<Problem> ScenarioRun::RunAuth(const Step& step, StepResult& r) {
  auto user = Exp(step.auth_username);
  if (!user.ok()) return Err(user.status().message());
  auto pass = Exp(step.auth_password);
  if (!pass.ok()) return Err(pass.status().message());
  std::string mech;
  for (char c : step.auth_mechanism) mech += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (mech.empty()) mech = "PLAIN";
  if (mech == "PLAIN") {
    std::string blob = Base64EncodeForSasl(std::string(1, '\0') + *user + '\0' + *pass);
    AddSecret(blob);
    AddSecret(*pass);
    r.sent = "AUTH PLAIN <redacted>";
    if (auto p = WriteBytes("AUTH PLAIN " + blob + "\r\n")) return p;
    return ExpectDefault(step.expect, "235", "AUTH", r);
  }
  if (mech != "LOGIN") return Err("unsupported AUTH mechanism " + mech);
  std::string u = Base64EncodeForSasl(*user), pw = Base64EncodeForSasl(*pass);
  AddSecret(pw);
  AddSecret(*pass);
  r.sent = "AUTH LOGIN\n" + u + "\n<redacted>";
  // Each challenge must be 334; anything else ends the exchange and is
  // judged by the step's expectation (e.g. `expect: 504`).
  const std::string start = "AUTH LOGIN";
  for (const std::string* line : std::vector<const std::string*>{&start, &u, &pw}) {
    if (auto p = WriteBytes(*line + "\r\n")) return p;
    if (line == &pw) break;
    auto reply = conn_->ReadReply(timeout_);
    if (!reply.ok()) {
      r.expected = "334";
      return Mismatch(reply.status().IsTimeout() ? "no reply within " + FormatDuration(timeout_)
                                                 : "connection closed by the server",
                      reply.status().message());
    }
    r.received += reply->ToDisplay() + "\n";
    if (reply->code != 334) {
      std::vector<ReplyMatcher> ms = step.expect;
      if (ms.empty()) {
        ms.emplace_back();
        ms.back().codes = {"235"};
      }
      r.expected = DescribeReplyMatcher(ms.front());
      if (Match(ms.front(), *reply, vars_).ok) return std::nullopt;
      return Mismatch(reply->ToDisplay(), "expected a 334 challenge");
    }
  }
  return ExpectDefault(step.expect, "235", "AUTH", r);
}

std::optional<Problem> ScenarioRun::RunMail(const Step& step, StepResult& r) {
  auto from = Exp(step.mail_from);
  if (!from.ok()) return Err(from.status().message());
  ReplyMatcher ok2xx;
  ok2xx.codes = {"2xx"};
  ReplyMatcher go354;
  go354.codes = {"354"};
  std::string line = "MAIL FROM:<" + *from + ">";
  if (auto p = SendLine(line, r)) return p;
  if (auto p = Expect(ok2xx, line, r)) return p;
  for (const auto& to_raw : step.mail_to) {
    auto to = Exp(to_raw);
    if (!to.ok()) return Err(to.status().message());
    line = "RCPT TO:<" + *to + ">";
    if (auto p = SendLine(line, r)) return p;
    if (auto p = Expect(ok2xx, line, r)) return p;
  }
  if (auto p = SendLine("DATA", r)) return p;
  if (auto p = Expect(go354, "DATA", r)) return p;
  auto body = Exp(step.mail_data);
  if (!body.ok()) return Err(body.status().message());
  r.sent += "\n" + *body;
  if (auto p = WriteBytes(EncodeDataBody(*body))) return p;
  return ExpectDefault(step.expect, "2xx", "", r);
}

std::optional<Problem> ScenarioRun::RunStep(const Step& step, StepResult& r) {
  switch (step.kind) {
    case StepKind::kExpect:
      if (step.expect.empty()) return Expect(ReplyMatcher{}, "", r);
      return Expect(step.expect.front(), "", r);
    case StepKind::kSend:
    case StepKind::kSendRaw: {
      auto text = Exp(step.text);
      if (!text.ok()) return Err(text.status().message());
      std::string line = *text;
      if (step.kind == StepKind::kSend) {
        if (auto p = SendLine(line, r)) return p;
      } else {
        r.sent = line;
        if (auto p = WriteBytes(line)) return p;
      }
      for (const auto& m : step.expect) {
        if (auto p = Expect(m, line, r)) return p;
      }
      return std::nullopt;
    }
    case StepKind::kPipeline: {
      std::string bytes;
      std::vector<std::string> lines;
      for (const auto& l : step.lines) {
        auto text = Exp(l);
        if (!text.ok()) return Err(text.status().message());
        lines.push_back(*text);
        bytes += *text + "\r\n";
        r.sent += (r.sent.empty() ? "" : "\n") + *text;
      }
      if (auto p = WriteBytes(bytes)) return p;
      size_t n = step.expect.empty() ? lines.size() : step.expect.size();
      for (size_t i = 0; i < n; ++i) {
        ReplyMatcher any;
        const ReplyMatcher& m = step.expect.empty() ? any : step.expect[i];
        if (auto p = Expect(m, i < lines.size() ? lines[i] : "", r)) return p;
      }
      return std::nullopt;
    }
    case StepKind::kData:
    case StepKind::kDataRaw: {
      std::string text;
      if (!step.data_file.empty()) {
        std::ifstream in(step.data_file, std::ios::binary);
        if (!in) return Err("cannot read data file " + step.data_file);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
      } else {
        auto e = Exp(step.text);
        if (!e.ok()) return Err(e.status().message());
        text = *e;
      }
      r.sent = text;
      if (auto p = WriteBytes(step.kind == StepKind::kData ? EncodeDataBody(text) : text)) return p;
      for (const auto& m : step.expect) {
        if (auto p = Expect(m, "", r)) return p;
      }
      return std::nullopt;
    }
    case StepKind::kStartTls: {
      if (auto p = SendLine("STARTTLS", r)) return p;
      if (auto p = ExpectDefault(step.expect, "220", "STARTTLS", r)) return p;
      TlsOptions tls;
      tls.verify = step.tls_verify;
      tls.server_name = host_;
      Status s = conn_->StartTls(tls, timeout_);
      if (!s.ok()) return Err("TLS handshake failed: " + s.message());
      ehlo_.reset();  // RFC 3207 §4.2: what was learnt before TLS is void
      return std::nullopt;
    }
    case StepKind::kAuth:
      return RunAuth(step, r);
    case StepKind::kMail:
      return RunMail(step, r);
    case StepKind::kSleep: {
      r.expected = "sleep " + FormatDuration(step.sleep);
      auto until = Clock::now() + step.sleep;
      while (Clock::now() < until && !opt_.cancelled()) {
        std::this_thread::sleep_for(std::min<Clock::duration>(until - Clock::now(),
                                                              std::chrono::milliseconds(50)));
      }
      return std::nullopt;
    }
    case StepKind::kExpectClose: {
      r.expected = "connection closed within " + FormatDuration(timeout_);
      Status s = conn_->WaitForClose(timeout_);
      if (s.ok() || s.IsClosed()) {
        r.received = "(closed)";
        return std::nullopt;
      }
      if (s.IsTimeout()) return Mismatch("connection still open after " + FormatDuration(timeout_), "");
      if (s.code() == Status::Code::kProtocol) return Mismatch("more data instead of a close", s.message());
      return Mismatch("connection error", s.message());
    }
    case StepKind::kReply:
    case StepKind::kExpectCommand:
    case StepKind::kExpectData:
      return Err("a server-mode step in a client-mode scenario");
  }
  return Err("unknown step kind");
}

ScenarioResult ScenarioRun::Execute() {
  start_ = Clock::now();
  res_.name = sc_.name;
  res_.file = sc_.file;
  res_.description = sc_.description;
  res_.tags = sc_.tags;
  res_.rfc = sc_.rfc;
  res_.mode = "client";
  std::string target_text = opt_.target.value_or(sc_.target);
  res_.target = target_text;
  bool requires_judged = false;
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
      res_.transcript = transcript_;
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
  co.tls.verify = false;  // a test harness talks to test servers; starttls steps choose
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
  co.tls.server_name = co.host;
  auto conn = env_.connect(co);
  if (!conn.ok()) {
    ErrorBeforeSteps("target " + target_text + ": " + conn.status().message());
    return finish();
  }
  conn_ = std::move(*conn);
  conn_->set_observer([this](const TranscriptEntry& e) { Observe(e); });

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
    std::string missing;
    for (const auto& ext : step.required_extensions) {
      if (!ehlo_ || !ehlo_->Has(ext)) missing += (missing.empty() ? "" : ", ") + ext;
    }
    if (!missing.empty()) {
      r.status = Verdict::kSkipped;
      r.message = ehlo_ ? "server did not advertise " + missing
                        : "no EHLO reply seen to check " + missing;
      continue;
    }
    timeout_ = step.timeout.value_or(default_timeout_);
    auto t0 = Clock::now();
    bool had_ehlo = ehlo_.has_value();
    auto problem = RunStep(step, r);
    r.duration_ms = MsSince(t0);
    if (!problem) {
      r.status = Verdict::kPassed;
    } else if (step.optional && !problem->error) {
      r.status = Verdict::kPassed;
      r.optional_mismatch = true;
      r.message = "optional: expected " + OneLine(problem->expected.empty() ? r.expected : problem->expected) + ", got " + OneLine(problem->actual);
    } else {
      r.status = problem->error ? Verdict::kError : Verdict::kFailed;
      r.message = problem->why.empty() ? problem->actual : problem->why;
      Fail(step, r, *problem);
      break;
    }
    // The scenario's own `requires:` is judged on the first EHLO reply only:
    // after STARTTLS the new EHLO rightly no longer lists STARTTLS.
    if (!had_ehlo && ehlo_ && !requires_judged && !sc_.required_extensions.empty()) {
      requires_judged = true;
      std::string absent;
      for (const auto& ext : sc_.required_extensions) {
        if (!ehlo_->Has(ext)) absent += (absent.empty() ? "" : ", ") + ext;
      }
      if (!absent.empty()) {
        res_.status = Verdict::kSkipped;
        res_.skip_reason = "server did not advertise " + absent;
        break;
      }
    }
  }
  return finish();
}

}  // namespace

ScenarioResult RunClientScenario(const Scenario& scenario, const RunOptions& options,
                                 const ClientRunnerEnv& env) {
  ScenarioRun run(scenario, options, env);
  return run.Execute();
}

}  // namespace smtp
