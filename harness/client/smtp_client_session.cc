#include "harness/client/smtp_client_session.h"

#include <algorithm>
#include <chrono>

#include "harness/client/port_probe.h"
#include "harness/core/base64.h"
#include "harness/core/dot_stuffing.h"
#include "harness/core/sasl.h"
#include "harness/core/secret_redactor.h"
#include "harness/util/ascii.h"
#include "harness/util/listen_address.h"

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kBdatChunk = 1024 * 1024;

bool HasEightBit(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return true;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& ClientAuthMechanisms() {
  static const std::vector<std::string> mechanisms = {"PLAIN", "LOGIN"};
  return mechanisms;
}

// The state of one Send(); each step returns false once the outcome failed.
class SmtpClientSession::Run {
 public:
  Run(SmtpConnection& conn, const SessionOptions& options) : conn_(conn), options_(options) {
    out_.server = conn.peer();
    out_.tls = conn.tls_active();
    conn_.set_observer([this](const TranscriptEntry& e) {
      if (!options_.observer) return;
      if (e.dir == 'C') {
        TranscriptEntry shown = e;
        shown.text = redactor_.Client(e.text);
        options_.observer(shown);
        return;
      }
      if (e.dir == 'S') redactor_.Server(e.text);
      options_.observer(e);
    });
  }
  ~Run() { conn_.set_observer(options_.observer); }

  SendOutcome Go(const Envelope& envelope, std::string_view message) {
    std::string wire_message = NormalizeLineEndings(message);
    if (!wire_message.empty() && !wire_message.ends_with("\r\n")) wire_message += "\r\n";
    bool ok = Greeting() && Hello() && MaybeStartTls() && MaybeAuth() &&
              Transaction(envelope, wire_message);
    Quit(ok);
    return std::move(out_);
  }

 private:
  bool Fail(SendPhase phase, std::string what, std::optional<Reply> reply = std::nullopt) {
    out_.failed = phase;
    if (reply) what += ": " + ReplyOneLine(*reply);
    out_.error = std::move(what);
    out_.reply = std::move(reply);
    return false;
  }
  bool FailStatus(SendPhase phase, const std::string& what, const Status& s) {
    return Fail(phase, what + ": " + s.message());
  }
  void Mark(const char* phase, Clock::time_point since) {
    out_.timings_ms.emplace_back(
        phase, std::chrono::duration<double, std::milli>(Clock::now() - since).count());
  }
  Result<Reply> Command(const std::string& line, Duration timeout) {
    Status s = conn_.Write(line + "\r\n", timeout);
    if (!s.ok()) return s;
    return conn_.ReadReply(timeout);
  }

  // A silent port or one that is not SMTP: ask it what it is (port_probe.h).
  std::string NotSmtpAdvice(const Status& s) {
    if (!s.IsTimeout()) return "";
    auto peer = ParseListenAddress(conn_.peer());
    if (!peer.ok()) return "";
    conn_.Close();  // a one-connection-at-a-time server answers the probe only then
    return ProbeSilentPeer(peer->host, peer->port,
                           std::min<Duration>(options_.command_timeout, std::chrono::seconds(2)));
  }

  bool Greeting() {
    auto t0 = Clock::now();
    auto r = conn_.ReadReply(options_.command_timeout);
    Mark("greeting", t0);
    if (!r.ok()) {
      std::string advice = NotSmtpAdvice(r.status());
      if (!advice.empty()) {
        return Fail(SendPhase::kGreeting,
                    "no greeting: " + r.status().message() + " (" + advice + ")");
      }
      return FailStatus(SendPhase::kGreeting, "no greeting", r.status());
    }
    if (r->code != 220) return Fail(SendPhase::kGreeting, "greeting refused", *r);
    return true;
  }

  bool Hello() {
    auto t0 = Clock::now();
    std::string name = options_.helo;
    if (name.empty()) {
      std::string local = conn_.local_address();
      if (local.empty()) local = "127.0.0.1";
      name = local.find(':') != std::string::npos ? "[IPv6:" + local + "]" : "[" + local + "]";
    }
    out_.helo = name;
    auto r = Command("EHLO " + name, options_.command_timeout);
    if (!r.ok()) return FailStatus(SendPhase::kEhlo, "EHLO failed", r.status());
    if (r->code == 250) {
      ehlo_ = ParseEhlo(*r);
      ehlo_reply_ = *r;
      out_.esmtp = true;
      Mark(out_.tls ? "ehlo_tls" : "ehlo", t0);
      return true;
    }
    if (r->Class() != 5) return Fail(SendPhase::kEhlo, "EHLO refused", *r);
    Reply ehlo_refusal = *r;
    r = Command("HELO " + name, options_.command_timeout);
    if (!r.ok()) return FailStatus(SendPhase::kEhlo, "HELO failed", r.status());
    if (r->code != 250) {
      return Fail(SendPhase::kEhlo,
                  "EHLO refused (" + ReplyOneLine(ehlo_refusal) + "), then HELO refused", *r);
    }
    ehlo_ = EhloInfo{};
    out_.esmtp = false;
    Mark("helo", t0);
    return true;
  }

  bool MaybeStartTls() {
    if (conn_.tls_active() || options_.starttls == StartTlsMode::kNever) return true;
    bool offered = ehlo_.Has("STARTTLS");
    if (!offered) {
      if (options_.starttls == StartTlsMode::kAuto) return true;
      if (!out_.esmtp) {
        return Fail(SendPhase::kStartTls, "STARTTLS needs EHLO, but the server only accepted HELO");
      }
      return Fail(SendPhase::kStartTls, "the server does not advertise STARTTLS", ehlo_reply_);
    }
    auto t0 = Clock::now();
    auto r = Command("STARTTLS", options_.command_timeout);
    if (!r.ok()) return FailStatus(SendPhase::kStartTls, "STARTTLS failed", r.status());
    if (r->code != 220) return Fail(SendPhase::kStartTls, "STARTTLS refused", *r);
    TlsOptions tls = options_.tls;
    Status s = conn_.StartTls(tls, options_.command_timeout);
    if (!s.ok()) return FailStatus(SendPhase::kStartTls, "TLS handshake failed", s);
    out_.tls = true;
    Mark("starttls", t0);
    // RFC 3207 §4.2: forget what the server said before TLS and ask again.
    return Hello();
  }

  bool MaybeAuth() {
    if (options_.auth_user.empty()) return true;
    auto t0 = Clock::now();
    std::vector<std::string> mechs = ehlo_.AuthMechanisms();
    if (mechs.empty()) {
      if (!out_.esmtp)
        return Fail(SendPhase::kAuth, "AUTH needs EHLO, but the server only accepted HELO");
      return Fail(SendPhase::kAuth, "the server does not advertise AUTH", ehlo_reply_);
    }
    auto offered = [&](const std::string& m) {
      for (const auto& x : mechs) {
        if (x == m) return true;
      }
      return false;
    };
    std::string mech = Upper(options_.auth_mechanism);
    for (const auto& m : ClientAuthMechanisms()) {
      if (mech.empty() && offered(m)) mech = m;
    }
    if (mech.empty() || !offered(mech)) {
      std::string list;
      for (const auto& m : mechs) list += (list.empty() ? "" : " ") + m;
      std::string ours;
      for (const auto& m : ClientAuthMechanisms()) ours += (ours.empty() ? "" : " and ") + m;
      return Fail(SendPhase::kAuth, "no usable AUTH mechanism (we speak " + ours +
                                        "; the server offers " + list + ")");
    }
    Result<Reply> r = Status::Internal("unset");
    if (mech == "PLAIN") {
      std::string token = sasl::EncodePlain(options_.auth_user, options_.auth_password);
      r = Command("AUTH PLAIN " + token, options_.command_timeout);
    } else {
      r = Command("AUTH LOGIN", options_.command_timeout);
      if (r.ok() && r->code == 334) {
        r = Command(Base64Encode(options_.auth_user), options_.command_timeout);
      }
      if (r.ok() && r->code == 334) {
        r = Command(Base64Encode(options_.auth_password), options_.command_timeout);
      }
    }
    if (!r.ok()) return FailStatus(SendPhase::kAuth, "AUTH " + mech + " failed", r.status());
    if (r->code != 235) return Fail(SendPhase::kAuth, "AUTH " + mech + " refused", *r);
    out_.authenticated = true;
    Mark("auth", t0);
    return true;
  }

  bool Transaction(const Envelope& env, const std::string& message) {
    auto size_limit = ehlo_.SizeLimit();
    if (size_limit && *size_limit > 0 && message.size() > *size_limit) {
      return Fail(SendPhase::kMail, "message is " + std::to_string(message.size()) +
                                        " bytes, more than the server's SIZE limit of " +
                                        std::to_string(*size_limit) +
                                        " (not sent; EHLO said SIZE " +
                                        ehlo_.Params("SIZE").value_or("") + ")");
    }
    // RFC 6531: a non-ASCII address needs the server's SMTPUTF8 and the
    // SMTPUTF8 parameter on MAIL; without it a server must refuse (553).
    std::string non_ascii = HasEightBit(env.mail_from) ? env.mail_from : "";
    for (const auto& rcpt : env.rcpt_to) {
      if (non_ascii.empty() && HasEightBit(rcpt)) non_ascii = rcpt;
    }
    if (!non_ascii.empty() && !ehlo_.Has("SMTPUTF8")) {
      return Fail(SendPhase::kMail, "the address " + non_ascii +
                                        " is not ASCII and the server does not advertise "
                                        "SMTPUTF8 (RFC 6531); not sent");
    }
    std::string mail = "MAIL FROM:<" + env.mail_from + ">";
    if (size_limit) mail += " SIZE=" + std::to_string(message.size());
    if (HasEightBit(message) && ehlo_.Has("8BITMIME")) mail += " BODY=8BITMIME";
    if (!non_ascii.empty()) mail += " SMTPUTF8";
    out_.smtputf8 = !non_ascii.empty();
    bool chunking = options_.chunking && ehlo_.Has("CHUNKING");
    out_.chunked = chunking;
    bool pipelining = options_.pipelining && ehlo_.Has("PIPELINING");
    out_.pipelined = pipelining;

    std::vector<std::string> lines{mail};
    for (const auto& rcpt : env.rcpt_to) lines.push_back("RCPT TO:<" + rcpt + ">");
    if (!chunking) lines.push_back("DATA");

    auto t0 = Clock::now();
    std::vector<Reply> replies;
    if (pipelining) {
      std::string batch;
      for (const auto& l : lines) batch += l + "\r\n";
      Status s = conn_.Write(batch, options_.command_timeout);
      if (!s.ok()) return FailStatus(SendPhase::kMail, "sending MAIL/RCPT/DATA failed", s);
      for (size_t i = 0; i < lines.size(); ++i) {
        auto r = conn_.ReadReply(options_.command_timeout);
        SendPhase phase = i == 0                    ? SendPhase::kMail
                          : i <= env.rcpt_to.size() ? SendPhase::kRcpt
                                                    : SendPhase::kData;
        if (!r.ok())
          return FailStatus(phase, "reply to " + Verb(lines[i]) + " missing", r.status());
        replies.push_back(*r);
      }
      Mark("envelope", t0);
    } else {
      for (size_t i = 0; i < lines.size(); ++i) {
        auto r = Command(lines[i], options_.command_timeout);
        SendPhase phase = i == 0                    ? SendPhase::kMail
                          : i <= env.rcpt_to.size() ? SendPhase::kRcpt
                                                    : SendPhase::kData;
        if (!r.ok()) return FailStatus(phase, Verb(lines[i]) + " failed", r.status());
        replies.push_back(*r);
        if (i == 0) {
          Mark("mail", t0);
          if (r->Class() != 2) return Fail(SendPhase::kMail, "MAIL FROM refused", *r);
          t0 = Clock::now();
        }
        if (i == env.rcpt_to.size()) {
          Mark("rcpt", t0);
          RecordRecipients(env, replies);
          if (out_.accepted.empty()) return NoRecipients();
          t0 = Clock::now();
        }
      }
      if (!chunking) Mark("data_command", t0);
    }
    if (pipelining) {
      RecordRecipients(env, replies);
      bool data_open = !chunking && replies.back().code == 354;
      if (replies[0].Class() != 2) {
        if (data_open) AbortData();
        return Fail(SendPhase::kMail, "MAIL FROM refused", replies[0]);
      }
      if (out_.accepted.empty()) {
        if (data_open) AbortData();
        return NoRecipients();
      }
    }
    if (!chunking && replies.back().code != 354) {
      return Fail(SendPhase::kData, "DATA refused", replies.back());
    }
    return chunking ? SendBdat(message) : SendData(message);
  }

  static std::string Verb(const std::string& line) {
    return line.substr(0, line.find_first_of(" :"));
  }

  void RecordRecipients(const Envelope& env, const std::vector<Reply>& replies) {
    for (size_t i = 0; i < env.rcpt_to.size() && i + 1 < replies.size(); ++i) {
      const Reply& r = replies[i + 1];
      RecipientResult rr{env.rcpt_to[i], r.code, ReplyOneLine(r)};
      (r.Class() == 2 ? out_.accepted : out_.rejected).push_back(std::move(rr));
    }
  }

  bool NoRecipients() {
    std::string why;
    for (const auto& r : out_.rejected)
      why += (why.empty() ? "" : "; ") + ("<" + r.address + ">: " + r.reply);
    std::optional<Reply> last;
    return Fail(SendPhase::kRcpt, "no recipient accepted (" + why + ")", last);
  }

  // DATA was accepted although nothing may be sent (pipelining): end it
  // with an empty message so the session stays in sync (RFC 2920 §3.1).
  void AbortData() {
    if (conn_.Write(".\r\n", options_.command_timeout).ok()) {
      (void)conn_.ReadReply(options_.command_timeout);
    }
  }

  bool SendData(const std::string& message) {
    auto t0 = Clock::now();
    Status s = conn_.Write(EncodeDataBody(message), options_.data_timeout);
    if (!s.ok()) return FailStatus(SendPhase::kData, "sending the message failed", s);
    Mark("data", t0);
    return FinalReply();
  }

  bool SendBdat(const std::string& message) {
    auto t0 = Clock::now();
    size_t pos = 0;
    do {
      size_t n = std::min(kBdatChunk, message.size() - pos);
      bool last = pos + n == message.size();
      std::string cmd = "BDAT " + std::to_string(n) + (last ? " LAST" : "") + "\r\n";
      Status s = conn_.Write(cmd, options_.command_timeout);
      if (s.ok()) s = conn_.Write(std::string_view(message).substr(pos, n), options_.data_timeout);
      if (!s.ok()) return FailStatus(SendPhase::kData, "sending BDAT failed", s);
      pos += n;
      if (last) break;
      auto r = conn_.ReadReply(options_.command_timeout);
      if (!r.ok()) return FailStatus(SendPhase::kData, "BDAT failed", r.status());
      if (r->code != 250) return Fail(SendPhase::kData, "BDAT refused", *r);
    } while (true);
    Mark("data", t0);
    return FinalReply();
  }

  bool FinalReply() {
    auto t0 = Clock::now();
    auto r = conn_.ReadReply(options_.data_timeout);
    Mark("final", t0);
    if (!r.ok()) return FailStatus(SendPhase::kFinal, "no reply after the message", r.status());
    out_.final_reply = *r;
    if (r->Class() != 2) return Fail(SendPhase::kFinal, "message refused", *r);
    out_.queue_id = ExtractQueueId(*r);
    return true;
  }

  void Quit(bool ok) {
    auto t0 = Clock::now();
    Duration timeout =
        ok ? options_.command_timeout : std::min(options_.command_timeout, Duration(2000));
    auto r = Command("QUIT", timeout);
    if (r.ok()) Mark("quit", t0);
    conn_.Close();
  }

  SmtpConnection& conn_;
  const SessionOptions& options_;
  SendOutcome out_;
  EhloInfo ehlo_;
  Reply ehlo_reply_;
  SecretRedactor redactor_;  // AUTH secrets never reach the observer
};

SmtpClientSession::SmtpClientSession(SmtpConnection& connection, SessionOptions options)
    : conn_(connection), options_(std::move(options)) {}

SendOutcome SmtpClientSession::Send(const Envelope& envelope, std::string_view message) {
  Run run(conn_, options_);
  return run.Go(envelope, message);
}

}  // namespace smtp
