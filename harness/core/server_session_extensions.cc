// The ESMTP extensions of ServerSession that carry their own sub-protocol:
// BDAT chunks (RFC 3030), AUTH exchanges (RFC 4954) and STARTTLS (RFC 3207).
#include <algorithm>
#include <cctype>

#include "harness/core/base64.h"
#include "harness/core/sasl.h"
#include "harness/core/server_session.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

constexpr size_t kMaxAuthLine = 12288;  // RFC 4954 §4: AUTH lines may be long
constexpr size_t kMaxSizeDigits = 20;   // RFC 1870's SIZE, and so BDAT's size

}  // namespace

void ServerSession::Bdat(std::string_view args, ServerOutputs& out) {
  // "BDAT <size> [LAST]" (RFC 3030 §2).
  size_t sp = args.find(' ');
  std::string_view size_text = args.substr(0, sp);
  std::string last;
  if (sp != std::string_view::npos) last = Upper(args.substr(sp + 1));
  // Up to 20 digits, as MAIL SIZE= takes (RFC 1870): a size past 64 bits
  // is over any cap, and is read (and dropped) as far as the client sends.
  auto size = ParseDecimal(size_text, kMaxSizeDigits);
  if (!size || (sp != std::string_view::npos && last != "LAST")) {
    return Say(out, 501, "5.5.4", "Syntax: BDAT size [LAST]");
  }
  bdat_remaining_ = size->value;
  bdat_last_ = !last.empty();
  bdat_error_.clear();
  bdat_return_ = state_;
  // The chunk follows the command whatever we answer: read it to stay in sync.
  if (!Advertised("CHUNKING")) {
    bdat_error_ = Line(502, "5.5.1", "BDAT not available (CHUNKING not advertised)", true);
  } else if (state_ == State::kConnected || state_ == State::kReady) {
    bdat_error_ = Line(503, "5.5.1", "Need MAIL and RCPT before BDAT", true);
  } else if (state_ == State::kMail) {
    bdat_error_ = Line(554, "5.5.1", "No valid recipients", true);
  } else {
    if (!txn_.chunked) {
      EnterMessage();
      txn_.chunked = true;
    }
    // A chunk that would take the message over the cap is refused as it is
    // announced: its bytes are read and dropped, none of them kept.
    const uint64_t cap = config_.max_message_size;
    if (bdat_failed_ || size->overflow ||
        (cap > 0 && (data_size_ > cap || size->value > cap - data_size_))) {
      bdat_failed_ = true;
      bdat_error_ = Line(552, "5.3.4", "Message size exceeds fixed maximum message size", true);
    }
  }
  state_ = State::kBdat;
  if (bdat_error_.empty() && drop_rule_ && drop_rule_->after_bytes == 0) Close(out);
}

void ServerSession::OnBdatBytes(ServerOutputs& out) {
  std::string chunk = framer_.TakeRaw(bdat_remaining_);
  bdat_remaining_ -= chunk.size();
  if (bdat_error_.empty()) {
    data_size_ += chunk.size();
    if (config_.max_message_size == 0 || data_size_ <= config_.max_message_size) {
      txn_.data.append(chunk);
    }
    if (drop_rule_) {
      drop_seen_ += chunk.size();
      if (drop_seen_ >= drop_rule_->after_bytes) return Close(out);
    }
  }
  if (bdat_remaining_ > 0) return;
  if (!bdat_error_.empty()) {
    state_ = bdat_return_;
    out.push_back({ServerOutput::Kind::kReply, bdat_error_, nullptr});
    if (bdat_failed_ && bdat_last_) ResetTransaction();
    return;
  }
  state_ = State::kRcpt;
  if (config_.max_message_size > 0 && data_size_ > config_.max_message_size) {
    Say(out, 552, "5.3.4", "Message size exceeds fixed maximum message size");
    if (bdat_last_) {
      ResetTransaction();
    } else {
      bdat_failed_ = true;
    }
    return;
  }
  if (bdat_last_) return FinishMessage(out);
  Say(out, 250, "2.0.0", std::to_string(data_size_) + " octets received");
}

void ServerSession::Auth(std::string_view args, ServerOutputs& out) {
  if (config_.auth.users.empty()) return Say(out, 502, "5.5.1", "AUTH not available");
  if (state_ == State::kConnected || !esmtp_) return Say(out, 503, "5.5.1", "Send EHLO first");
  if (!auth_user_.empty()) return Say(out, 503, "5.5.1", "Already authenticated");
  if (state_ != State::kReady) {
    return Say(out, 503, "5.5.1", "AUTH not allowed during a mail transaction");
  }
  size_t sp = args.find(' ');
  std::string mech = Upper(args.substr(0, sp));
  std::string initial = sp == std::string_view::npos ? "" : std::string(args.substr(sp + 1));
  bool has_initial = sp != std::string_view::npos;
  if (mech.empty()) return Say(out, 501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
  bool offered = std::any_of(config_.auth.mechanisms.begin(), config_.auth.mechanisms.end(),
                             [&](const std::string& m) { return Upper(m) == mech; });
  if (!offered || (mech != "PLAIN" && mech != "LOGIN")) {
    return Say(out, 504, "5.5.4", "Unrecognized authentication type");
  }
  auth_mech_ = mech;
  auth_have_user_ = false;
  if (has_initial) {
    // "=" is an empty initial response (RFC 4954 §4).
    FramedLine l;
    l.text = initial == "=" ? "" : initial;
    state_ = State::kAuth;
    return OnAuthLine(l, out);
  }
  state_ = State::kAuth;
  framer_.set_max_line_length(kMaxAuthLine);
  std::string challenge = mech == "LOGIN" ? Base64Encode("Username:") : "";
  out.push_back({ServerOutput::Kind::kReply, "334 " + challenge + "\r\n", nullptr});
}

void ServerSession::OnAuthLine(const FramedLine& line, ServerOutputs& out) {
  auto fail = [&](int code, std::string_view enh, std::string_view text) {
    framer_.set_max_line_length(kMaxCommandLine);
    state_ = State::kReady;
    Say(out, code, enh, text);
  };
  if (line.too_long) return fail(500, "5.5.6", "Authentication exchange line too long");
  if (line.text == "*") return fail(501, "5.7.0", "Authentication cancelled");
  auto decoded = Base64DecodeStrict(line.text);
  if (!decoded) return fail(501, "5.5.2", "Cannot decode response (not base64)");
  if (auth_mech_ == "PLAIN") {
    auto creds = sasl::ParsePlain(*decoded);
    if (!creds) return fail(535, "5.7.8", "Authentication credentials invalid");
    if (!creds->authzid.empty() && creds->authzid != creds->authcid) {
      return fail(535, "5.7.8", "Authentication credentials invalid");
    }
    framer_.set_max_line_length(kMaxCommandLine);
    state_ = State::kReady;
    return FinishAuth(creds->authcid, creds->password, out);
  }
  // LOGIN: user name, then password, each after its own 334.
  if (!auth_have_user_) {
    auth_login_user_ = *decoded;
    auth_have_user_ = true;
    state_ = State::kAuth;
    framer_.set_max_line_length(kMaxAuthLine);
    out.push_back(
        {ServerOutput::Kind::kReply, "334 " + Base64Encode("Password:") + "\r\n", nullptr});
    return;
  }
  framer_.set_max_line_length(kMaxCommandLine);
  state_ = State::kReady;
  FinishAuth(auth_login_user_, *decoded, out);
}

void ServerSession::FinishAuth(std::string_view user, std::string_view password,
                               ServerOutputs& out) {
  auto it = config_.auth.users.find(std::string(user));
  if (it == config_.auth.users.end() || it->second != password) {
    return Say(out, 535, "5.7.8", "Authentication credentials invalid");
  }
  auth_user_ = std::string(user);
  Say(out, 235, "2.7.0", "Authentication successful");
}

void ServerSession::StartTls(std::string_view args, ServerOutputs& out) {
  if (!config_.tls.starttls) return Say(out, 502, "5.5.1", "STARTTLS not available");
  if (!args.empty()) return Say(out, 501, "5.5.4", "Syntax: STARTTLS");
  if (tls_) return Say(out, 503, "5.5.1", "TLS already active");
  if (state_ == State::kConnected || !esmtp_) return Say(out, 503, "5.5.1", "Send EHLO first");
  Say(out, 220, "2.0.0", "Ready to start TLS");
  // RFC 3207 §4.2: forget everything learned before TLS, including any
  // plaintext pipelined after STARTTLS (a command-injection defence).
  framer_.TakeRaw();
  ResetTransaction();
  helo_.clear();
  esmtp_ = false;
  enhanced_ = false;
  auth_user_.clear();
  state_ = State::kStartingTls;
  out.push_back({ServerOutput::Kind::kStartTls, {}, nullptr});
}

}  // namespace smtp
