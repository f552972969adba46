// The step kinds of a client-mode scenario: what each sends and expects.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/core/base64.h"
#include "harness/core/dot_stuffing.h"
#include "harness/core/sasl.h"
#include "harness/core/transcript.h"
#include "harness/runner/client_run.h"
#include "harness/scenario/reply_matcher_eval.h"
#include "harness/util/ascii.h"

namespace smtp::client_run {

std::optional<Problem> ScenarioRun::RunAuth(const Step& step, StepResult& r) {
  auto user = Exp(step.auth_username);
  if (!user.ok()) return Err(user.status().message());
  auto pass = Exp(step.auth_password);
  if (!pass.ok()) return Err(pass.status().message());
  std::string mech = Upper(step.auth_mechanism);
  if (mech.empty()) mech = "PLAIN";
  if (mech == "PLAIN") {
    std::string blob = sasl::EncodePlain(*user, *pass);
    r.sent = "AUTH PLAIN " + blob;  // redacted with the step (RedactStep)
    if (auto p = WriteBytes("AUTH PLAIN " + blob + "\r\n")) return p;
    return ExpectDefault(step.expect, "235", "AUTH", r);
  }
  if (mech != "LOGIN") return Err("unsupported AUTH mechanism " + mech);
  std::string u = Base64Encode(*user), pw = Base64Encode(*pass);
  r.sent = "AUTH LOGIN\n" + u + "\n" + pw;  // redacted with the step (RedactStep)
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
  return ExpectDefault(step.expect, "2xx", ".", r);
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
      if (step.kind == StepKind::kSend && line.find_first_of("\r\n") != std::string::npos) {
        return Err("the line to send contains CR or LF after expanding variables: \"" +
                   EscapeBytes(line) + "\" (use send_raw for exact bytes)");
      }
      r.sent = line;
      bool closed = false;
      if (auto p = WriteOrClosed(step.kind == StepKind::kSend ? line + "\r\n" : line, step, r,
                                 &closed)) {
        return p;
      }
      if (closed) return std::nullopt;
      // Every command gets its reply read, expected or not (SPEC §9): an
      // unread reply would be taken for the next command's.
      if (step.kind == StepKind::kSend && step.expect.empty())
        return Expect(ReplyMatcher{}, line, r);
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
        if (text->find_first_of("\r\n") != std::string::npos) {
          return Err("a pipelined line contains CR or LF after expanding variables: \"" +
                     EscapeBytes(*text) + "\"");
        }
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
        std::error_code ec;
        auto size = std::filesystem::file_size(step.data_file, ec);
        if (!ec && size > opt_.caps.data_file_bytes) {
          return Err("data file " + step.data_file + " has " + std::to_string(size) +
                     " bytes, more than " + std::to_string(opt_.caps.data_file_bytes) +
                     " (cap: data file size)");
        }
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
      bool closed = false;
      if (auto p = WriteOrClosed(step.kind == StepKind::kData ? EncodeDataBody(text) : text, step,
                                 r, &closed)) {
        return p;
      }
      if (closed) return std::nullopt;
      // The final dot of `data` is answered like a command; raw bytes need
      // not end the message, so data_raw reads only what it expects.
      if (step.kind == StepKind::kData && step.expect.empty())
        return Expect(ReplyMatcher{}, ".", r);
      for (const auto& m : step.expect) {
        if (auto p = Expect(m, ".", r)) return p;
      }
      return std::nullopt;
    }
    case StepKind::kStartTls: {
      if (step.tls_inject.empty()) {
        if (auto p = SendLine("STARTTLS", r)) return p;
      } else {
        // STARTTLS with plaintext pipelined behind it in one write: a server
        // that acts on those bytes after the handshake is vulnerable
        // (RFC 3207 §6, CVE-2011-0411).
        r.sent = "STARTTLS\n" + step.tls_inject;
        if (auto p = WriteBytes("STARTTLS\r\n" + step.tls_inject)) return p;
        // A server that refuses the packet and closes the connection never
        // executed the injected bytes: safe, so the check passes there and
        // the scenario ends (its later steps need the TLS session).
        Reply refusal;
        auto p = ExpectDefault(step.expect, "220", "STARTTLS", r, &refusal);
        if (p && refusal.code >= 400 && conn_->WaitForClose(timeout_).ok()) {
          r.received += "\n(closed)";
          end_message_ = "STARTTLS refused (" + OneLine(refusal.ToDisplay()) +
                         ") and the connection closed: the injected bytes were not executed";
          return std::nullopt;
        }
        if (p) return p;
      }
      if (step.tls_inject.empty()) {
        if (auto p = ExpectDefault(step.expect, "220", "STARTTLS", r)) return p;
      }
      TlsOptions tls;
      tls.verify = step.tls_verify;
      tls.ca_file = opt_.tls_ca_file;
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
        std::this_thread::sleep_for(
            std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(50)));
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
      if (s.IsTimeout())
        return Mismatch("connection still open after " + FormatDuration(timeout_), "");
      if (s.code() == Status::Code::kProtocol)
        return Mismatch("more data instead of a close", s.message());
      return Mismatch("connection error", s.message());
    }
    case StepKind::kReply:
    case StepKind::kExpectCommand:
    case StepKind::kExpectData:
      return Err("a server-mode step in a client-mode scenario");
  }
  return Err("unknown step kind");
}

}  // namespace smtp::client_run
