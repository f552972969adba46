// `auth:` steps (RFC 4954): AUTH PLAIN or LOGIN, with or without an initial
// response, checked against the scenario's user name and password; what the
// reports show of the exchange is redacted by session state.
#include "harness/core/base64.h"
#include "harness/core/sasl.h"
#include "harness/core/transcript.h"
#include "harness/runner/script_text.h"
#include "harness/runner/scripted_session.h"
#include "harness/scenario/standard_replies.h"

namespace smtp {

using script::Verb;

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
  report_.secrets.push_back(secret);
  size_t at = report_.received.rfind(secret);
  if (at != std::string::npos) report_.received.replace(at, secret.size(), "<redacted>");
}

std::optional<std::string> ScriptedSession::StartAuth(const Step& step, const std::string& command,
                                                      std::string problem, SessionActions& out) {
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
  auth_ = AuthExchange{mechanism, "", false, {}, std::move(problem)};
  if (initial.empty()) {
    SendChallenge(mechanism == "LOGIN" ? "334 VXNlcm5hbWU6" : "334 ", out);
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
    SendChallenge("334 UGFzc3dvcmQ6", out);
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
  if (auth_->problem.empty() && scenario_.strict.crlf &&
      (line.ending == LineEnding::kBareLf || line.bare_cr)) {
    // Named, never shown: the line is a credential.
    auth_->problem =
        "AUTH " + auth_->mechanism + ": " + AwaitedAnswer() +
        (line.ending == LineEnding::kBareLf ? " ended with a bare LF (\\n) instead of CRLF (\\r\\n)"
                                            : " contains a bare CR (\\r)");
  }
  auto decoded = Base64Decode(line.text);
  if (!decoded) decoded = std::string();  // compared below: a wrong credential
  if (auth_->mechanism == "LOGIN" && !auth_->want_password) {
    auth_->user = *decoded;
    auth_->want_password = true;
    SendChallenge("334 UGFzc3dvcmQ6", out);
    return;
  }
  if (auth_->mechanism == "LOGIN") {
    FinishAuth(auth_->user, *decoded, out);
    return;
  }
  auto creds = sasl::ParsePlain(*decoded);
  FinishAuth(creds ? creds->authcid : std::string(), creds ? creds->password : std::string(), out);
}

std::string ScriptedSession::AwaitedAnswer() const {
  if (auth_->mechanism != "LOGIN") return "the response";
  return auth_->want_password ? "the password" : "the user name";
}

void ScriptedSession::SendChallenge(const std::string& text, SessionActions& out) {
  SendReply(text, out);  // with strict.pipelining: the settle pause, then the peek
  // The answer read together with the line the challenge follows.
  if (scenario_.strict.pipelining && framer_.buffered() > 0) AuthAnsweredEarly(framer_.buffered());
}

void ScriptedSession::AuthAnsweredEarly(size_t bytes) {
  const std::string what = AwaitedAnswer();
  for (const std::string& e : auth_->early) {
    if (e == what) return;
  }
  auth_->early.push_back(what);
  // A count, never the bytes: they are the credentials.
  Note('*', std::to_string(bytes) +
                " bytes from the client were already here before the 334 "
                "challenge for " +
                what);
}

void ScriptedSession::FinishAuth(const std::string& user, const std::string& password,
                                 SessionActions& out) {
  const Step& step = scenario_.steps[cursor_];
  const std::string mechanism = auth_->mechanism;
  const std::vector<std::string> early = std::move(auth_->early);
  const std::string problem = std::move(auth_->problem);
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
  if (!problem.empty()) {
    // The right credentials, a strict rule broken on the way: the step
    // fails, the script goes on (235) and later steps still earn points.
    Fail(cursor_, shown, problem);
  } else if (!early.empty()) {
    std::string what = early[0];
    if (early.size() > 1) what += " and " + early[1].substr(4);  // "the user name and password"
    why = "AUTH " + mechanism + ": " + what + (early.size() > 1 ? " were" : " was") +
          " sent before the 334 challenge" + (early.size() > 1 ? "s" : "") + " asking for " +
          (early.size() > 1 ? "them" : "it") +
          ": a client waits for each challenge before it answers (RFC 4954 4: AUTH ends a "
          "group even with PIPELINING)";
    Fail(cursor_, shown, why);
  } else {
    Pass(cursor_, shown);
  }
  std::string reply = step.text.empty() ? "235 2.7.0 Authentication successful" : step.text;
  ++cursor_;
  report_.steps[cursor_ - 1].sent = StandardReply(Expand(reply), options_.hostname);
  SendReply(reply, out, &step);
  RunReplySteps(out);
}

}  // namespace smtp
