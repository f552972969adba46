#include "harness/load/load_plan.h"

#include <cctype>
#include <fstream>
#include <sstream>

#include "harness/core/base64.h"
#include "harness/core/command.h"
#include "harness/core/dot_stuffing.h"
#include "harness/core/sasl.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

bool MatcherCaptures(const ReplyMatcher& m) {
  return !m.capture.empty() || (m.negated && MatcherCaptures(*m.negated));
}

ReplyMatcher CodeMatcher(const char* code) {
  ReplyMatcher m;
  m.codes = {code};
  return m;
}

class PlanBuilder {
 public:
  PlanBuilder(const Scenario& sc, LoadPlan& plan, Duration default_timeout)
      : sc_(sc), plan_(plan), default_timeout_(default_timeout) {}

  Status AddStep(const Step& step);

 private:
  LoadOp& Add(LoadOp::Kind kind) {
    LoadOp op;
    op.kind = kind;
    op.step = step_->index;
    op.timeout = step_->timeout.value_or(default_timeout_);
    op.optional = step_->optional;
    plan_.ops.push_back(std::move(op));
    return plan_.ops.back();
  }
  // Expands now when every variable is known; otherwise leaves it for the session.
  Status Write(const std::string& text, LoadOp::Encode encode);
  void Expect(const ReplyMatcher& m, bool ehlo = false, bool message = false) {
    LoadOp& op = Add(LoadOp::Kind::kExpect);
    op.matcher = m;
    op.ehlo_reply = ehlo;
    op.message_reply = message;
  }
  void ExpectOr(const std::vector<ReplyMatcher>& ms, const char* code, bool message = false) {
    Expect(ms.empty() ? CodeMatcher(code) : ms.front(), false, message);
  }
  Status Mail(const Step& step);
  Status Auth(const Step& step);

  const Scenario& sc_;
  LoadPlan& plan_;
  Duration default_timeout_;
  const Step* step_ = nullptr;
};

Status PlanBuilder::Write(const std::string& text, LoadOp::Encode encode) {
  const bool line = encode == LoadOp::Encode::kLine;
  LoadOp& op = Add(LoadOp::Kind::kWrite);
  std::string value = text;
  if (text.find('$') != std::string::npos) {
    auto e = Expand(text, plan_.vars);
    if (e.ok() && !plan_.has_captures) {
      value = *e;
    } else if (plan_.has_captures) {
      op.expand = true;
    } else {
      return Status::InvalidArgument(sc_.file + ": step " + std::to_string(step_->index) + ": " +
                                     e.status().message());
    }
  }
  op.encode = encode;
  if (line) op.line = op.expand ? text : value;
  op.bytes = op.expand ? text : EncodeLoadBytes(encode, value);
  return Status::Ok();
}

Status PlanBuilder::Mail(const Step& step) {
  if (Status s = Write("MAIL FROM:<" + step.mail_from + ">", LoadOp::Encode::kLine); !s.ok())
    return s;
  Expect(CodeMatcher("2xx"));
  for (const auto& to : step.mail_to) {
    if (Status s = Write("RCPT TO:<" + to + ">", LoadOp::Encode::kLine); !s.ok()) return s;
    Expect(CodeMatcher("2xx"));
  }
  if (Status s = Write("DATA", LoadOp::Encode::kLine); !s.ok()) return s;
  Expect(CodeMatcher("354"));
  if (Status s = Write(step.mail_data, LoadOp::Encode::kBody); !s.ok()) return s;
  ExpectOr(step.expect, "2xx", true);
  return Status::Ok();
}

Status PlanBuilder::Auth(const Step& step) {
  std::string mech = Upper(step.auth_mechanism);
  auto user = Expand(step.auth_username, plan_.vars);
  auto pass = Expand(step.auth_password, plan_.vars);
  if (!user.ok() || !pass.ok()) {
    return Status::InvalidArgument(sc_.file + ": step " + std::to_string(step.index) +
                                   ": auth credentials must not depend on captures");
  }
  if (mech.empty() || mech == "PLAIN") {
    if (Status s = Write("AUTH PLAIN " + sasl::EncodePlain(*user, *pass), LoadOp::Encode::kLine);
        !s.ok()) {
      return s;
    }
  } else if (mech == "LOGIN") {
    for (const std::string& line : {std::string("AUTH LOGIN"), Base64Encode(*user)}) {
      if (Status s = Write(line, LoadOp::Encode::kLine); !s.ok()) return s;
      Expect(CodeMatcher("334"));
    }
    if (Status s = Write(Base64Encode(*pass), LoadOp::Encode::kLine); !s.ok()) return s;
  } else {
    return Status::InvalidArgument(sc_.file + ": step " + std::to_string(step.index) +
                                   ": unsupported AUTH mechanism " + mech);
  }
  ExpectOr(step.expect, "235");
  return Status::Ok();
}

Status PlanBuilder::AddStep(const Step& step) {
  step_ = &step;
  size_t first = plan_.ops.size();
  Status s = Status::Ok();
  switch (step.kind) {
    case StepKind::kExpect:
      Expect(step.expect.empty() ? ReplyMatcher{} : step.expect.front());
      break;
    case StepKind::kSend:
    case StepKind::kSendRaw: {
      bool line = step.kind == StepKind::kSend;
      s = Write(step.text, line ? LoadOp::Encode::kLine : LoadOp::Encode::kRaw);
      if (!line) plan_.ops.back().line = step.text;
      bool ehlo = HasVerb(plan_.ops.back().line, "EHLO");
      for (const auto& m : step.expect) Expect(m, ehlo);
      if (line && step.expect.empty()) Expect(ReplyMatcher{}, ehlo);  // as `run`: any reply
      break;
    }
    case StepKind::kPipeline: {
      std::string all;
      for (const auto& l : step.lines) all += l + "\n";
      s = Write(all, LoadOp::Encode::kLines);
      size_t n = step.expect.empty() ? step.lines.size() : step.expect.size();
      for (size_t i = 0; i < n; ++i) {
        Expect(step.expect.empty() ? ReplyMatcher{} : step.expect[i],
               i < step.lines.size() && HasVerb(step.lines[i], "EHLO"));
      }
      break;
    }
    case StepKind::kData:
    case StepKind::kDataRaw: {
      std::string text = step.text;
      if (!step.data_file.empty()) {
        std::ifstream in(step.data_file, std::ios::binary);
        if (!in)
          return Status::InvalidArgument(sc_.file + ": cannot read data file " + step.data_file);
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
      }
      s = Write(text, step.kind == StepKind::kData ? LoadOp::Encode::kBody : LoadOp::Encode::kRaw);
      for (const auto& m : step.expect) Expect(m, false, true);
      if (step.kind == StepKind::kData && step.expect.empty()) Expect(ReplyMatcher{}, false, true);
      break;
    }
    case StepKind::kStartTls:
      s = Write("STARTTLS", LoadOp::Encode::kLine);
      ExpectOr(step.expect, "220");
      Add(LoadOp::Kind::kStartTls).tls_verify = step.tls_verify;
      break;
    case StepKind::kAuth:
      s = Auth(step);
      break;
    case StepKind::kMail:
      s = Mail(step);
      break;
    case StepKind::kSleep:
      Add(LoadOp::Kind::kSleep).sleep = step.sleep;
      break;
    case StepKind::kExpectClose:
      Add(LoadOp::Kind::kExpectClose);
      break;
    default:
      return Status::InvalidArgument(sc_.file + ": step " + std::to_string(step.index) +
                                     ": a server-mode step; load replays client-mode scenarios");
  }
  if (!s.ok()) return s;
  if (plan_.ops.size() == first) return Status::Ok();
  plan_.ops[first].step_first = true;
  plan_.ops[first].required_extensions = step.required_extensions;
  plan_.ops.back().step_last = true;
  return Status::Ok();
}

std::string StepLabel(const Step& step) {
  std::string label = StepKindName(step.kind);
  std::string detail = step.kind == StepKind::kSend ? step.text : step.name;
  if (step.kind == StepKind::kMail) detail = "MAIL FROM:<" + step.mail_from + ">";
  if (!detail.empty()) label += " " + detail;
  return label;
}

// Setup steps a reused connection runs once: the greeting, EHLO/HELO,
// STARTTLS and AUTH at the start.
bool IsSetupStep(const Step& step) {
  switch (step.kind) {
    case StepKind::kExpect:
    case StepKind::kStartTls:
    case StepKind::kAuth:
      return true;
    case StepKind::kSend:
      return HasVerb(step.text, "EHLO") || HasVerb(step.text, "HELO") || HasVerb(step.text, "LHLO");
    default:
      return false;
  }
}

bool IsQuitStep(const Step& step) {
  return (step.kind == StepKind::kSend && HasVerb(step.text, "QUIT")) ||
         step.kind == StepKind::kExpectClose;
}

}  // namespace

std::string EncodeLoadBytes(LoadOp::Encode encode, const std::string& text) {
  switch (encode) {
    case LoadOp::Encode::kLine:
      return text + "\r\n";
    case LoadOp::Encode::kLines:
      return NormalizeLineEndings(text);
    case LoadOp::Encode::kBody:
      return EncodeDataBody(text);
    case LoadOp::Encode::kRaw:
      break;
  }
  return text;
}

Result<LoadPlan> BuildLoadPlan(const Scenario& sc, const VarMap& overrides,
                               Duration default_timeout, bool reuse) {
  if (sc.mode != ScenarioMode::kClient) {
    return Status::InvalidArgument(sc.file +
                                   ": a server-mode scenario; load replays client-mode scenarios");
  }
  LoadPlan plan;
  auto vars = BuildVarMap(sc, overrides);
  if (!vars.ok()) return Status::InvalidArgument(sc.file + ": " + vars.status().message());
  plan.vars = *vars;
  for (const auto& step : sc.steps) {
    for (const auto& m : step.expect) plan.has_captures = plan.has_captures || MatcherCaptures(m);
  }
  plan.scenario_requires = sc.required_extensions;
  size_t setup_steps = 0;
  while (setup_steps < sc.steps.size() && IsSetupStep(sc.steps[setup_steps])) ++setup_steps;
  size_t quit_step = sc.steps.size();
  for (size_t i = setup_steps; i < sc.steps.size(); ++i) {
    if (IsQuitStep(sc.steps[i])) {
      quit_step = i;
      break;
    }
  }
  PlanBuilder builder(sc, plan, default_timeout);
  for (size_t i = 0; i < sc.steps.size(); ++i) {
    if (i == setup_steps) plan.tx_begin = plan.ops.size();
    if (i == quit_step) plan.tx_end = plan.ops.size();
    if (Status s = builder.AddStep(sc.steps[i]); !s.ok()) return s;
    plan.step_labels.push_back(StepLabel(sc.steps[i]));
  }
  if (setup_steps == sc.steps.size()) plan.tx_begin = plan.ops.size();
  if (quit_step == sc.steps.size()) plan.tx_end = plan.ops.size();
  if (reuse && plan.tx_begin >= plan.tx_end) {
    return Status::InvalidArgument(
        sc.file + ": --reuse needs steps between the greeting/EHLO and QUIT to repeat");
  }
  return plan;
}

}  // namespace smtp
