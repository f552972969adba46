#include "harness/core/server_session.h"

#include <algorithm>
#include <cctype>

#include "harness/core/command.h"
#include "harness/core/dot_stuffing.h"
#include "harness/core/reply.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

std::string FirstWord(std::string_view s) {
  size_t sp = s.find(' ');
  return Upper(s.substr(0, sp));
}

bool HasNonAscii(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// MAIL's SIZE value: RFC 1870 §3, size-value = 1*20DIGIT.
constexpr size_t kMaxSizeDigits = 20;

// Verbs RFC 5321 and its predecessors define that this server does not do.
bool KnownButNotImplemented(std::string_view verb) {
  for (std::string_view v : {"EXPN", "TURN", "ETRN", "ATRN", "SEND", "SOML", "SAML"}) {
    if (verb == v) return true;
  }
  return false;
}

}  // namespace

ServerSession::ServerSession(const FakeServerConfig& config, StoreFn store,
                             std::shared_ptr<RuleBook> rules, bool tls, std::string peer,
                             int session_number)
    : config_(config),
      store_(std::move(store)),
      rules_(std::move(rules)),
      peer_(std::move(peer)),
      session_number_(session_number),
      framer_(kMaxCommandLine),
      tls_(tls) {
  extensions_ = ComputeExtensions();
}

std::string ServerSession::Line(int code, std::string_view enhanced, std::string_view text,
                                bool last) const {
  std::string s = std::to_string(code);
  s += last ? ' ' : '-';
  if (!enhanced.empty() && enhanced_) {
    s += enhanced;
    s += ' ';
  }
  s += text;
  s += "\r\n";
  return s;
}

void ServerSession::Say(ServerOutputs& out, int code, std::string_view enhanced,
                        std::string_view text) {
  out.push_back({ServerOutput::Kind::kReply, Line(code, enhanced, text, true), nullptr});
}

void ServerSession::Close(ServerOutputs& out) {
  out.push_back({ServerOutput::Kind::kClose, {}, nullptr});
  state_ = State::kClosed;
}

std::string ServerSession::RuleReplyWire(const std::string& text) {
  auto reply = ReplyFromText(text);
  if (reply.ok()) return reply->ToWire();
  // Not a valid reply: send it anyway, that is what fault injection is for.
  std::string wire;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    wire += text.substr(start, nl - start) + "\r\n";
    start = nl + 1;
  }
  return wire;
}

std::vector<std::string> ServerSession::Extensions() const { return extensions_; }

std::vector<std::string> ServerSession::ComputeExtensions() const {
  if (config_.extensions) {
    std::vector<std::string> out;
    for (const auto& e : *config_.extensions) {
      if (tls_ && FirstWord(e) == "STARTTLS") continue;  // never offered twice
      out.push_back(e);
    }
    return out;
  }
  std::vector<std::string> out = {"PIPELINING"};
  if (config_.advertise_size) {
    out.push_back(config_.max_message_size > 0 ? "SIZE " + std::to_string(config_.max_message_size)
                                               : "SIZE");
  }
  out.insert(out.end(), {"8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING"});
  if (config_.tls.starttls && !tls_) out.push_back("STARTTLS");
  if (!config_.auth.users.empty() && !config_.auth.mechanisms.empty()) {
    std::string auth = "AUTH";
    for (const auto& m : config_.auth.mechanisms) {
      auth += ' ';
      auth += Upper(m);
    }
    out.push_back(auth);
  }
  return out;
}

bool ServerSession::Advertised(std::string_view keyword) const {
  std::string want = Upper(keyword);
  for (const auto& e : extensions_) {
    if (FirstWord(e) == want) return true;
  }
  return false;
}

ServerOutputs ServerSession::Start() {
  ServerOutputs out;
  const FaultRule* rule = rules_ ? rules_->Match(FaultRule::On::kConnect, peer_) : nullptr;
  std::string greeting = config_.greeting.value_or(config_.hostname + " ESMTP smtp-harness");
  if (rule && rule->reply) {
    out.push_back({ServerOutput::Kind::kReply, RuleReplyWire(*rule->reply), rule});
    int code = std::atoi(rule->reply->c_str());
    if (code >= 400) state_ = State::kRejected;  // RFC 5321 §3.1: wait for QUIT
  } else {
    out.push_back({ServerOutput::Kind::kReply, "220 " + greeting + "\r\n", rule});
  }
  if (rule && rule->action == FaultRule::Action::kDisconnect) Close(out);
  if (rule && rule->action == FaultRule::Action::kDropInData) drop_rule_ = rule;
  return out;
}

// A TLS record header opening a handshake (content type 22, version 3.x):
// a client speaking implicit TLS (port 465 style) to a plain-text port.
static bool LooksLikeTlsHandshake(std::string_view bytes) {
  return bytes.size() >= 3 && bytes[0] == 0x16 && bytes[1] == 0x03 &&
         static_cast<unsigned char>(bytes[2]) <= 0x04;
}

ServerOutputs ServerSession::Feed(std::string_view bytes) {
  ServerOutputs out;
  if (state_ == State::kClosed || state_ == State::kStartingTls) return out;
  const bool first = !fed_;
  fed_ = true;
  if (first && !tls_ && LooksLikeTlsHandshake(bytes)) {
    // Without this the binary ClientHello waits for an LF until the idle
    // timeout; say what happened (the reply lands in the transcript) and close.
    Say(out, 554, "5.7.0",
        "This looks like a TLS handshake, but this port speaks plain SMTP "
        "(use STARTTLS, or the implicit-TLS port)");
    Close(out);
    return out;
  }
  framer_.Feed(bytes);
  Pump(out);
  return out;
}

void ServerSession::TlsStarted() {
  tls_ = true;
  extensions_ = ComputeExtensions();
  if (state_ == State::kStartingTls) state_ = State::kConnected;
}

ServerOutputs ServerSession::IdleTimeout() {
  ServerOutputs out;
  if (state_ == State::kClosed) return out;
  Say(out, 421, "4.4.2", config_.hostname + " Error: timeout exceeded");
  Close(out);
  return out;
}

ServerOutputs ServerSession::Shutdown() {
  ServerOutputs out;
  if (state_ == State::kClosed) return out;
  Say(out, 421, "4.3.2", config_.hostname + " Service shutting down");
  Close(out);
  return out;
}

void ServerSession::Pump(ServerOutputs& out) {
  while (state_ != State::kClosed && state_ != State::kStartingTls) {
    if (state_ == State::kBdat) {
      OnBdatBytes(out);
      if (state_ == State::kBdat) return;  // chunk incomplete: wait for bytes
      continue;
    }
    auto line = framer_.Next();
    if (!line) return;
    if (state_ == State::kData) {
      OnDataLine(*line, out);
    } else if (state_ == State::kAuth) {
      OnAuthLine(*line, out);
    } else {
      OnCommandLine(*line, out);
    }
  }
}

void ServerSession::OnCommandLine(const FramedLine& line, ServerOutputs& out) {
  if (line.too_long) return Say(out, 500, "5.5.2", "Line too long");
  const bool lenient = config_.accept_bare_lf ||
                       config_.bare_newlines == FakeServerConfig::BareNewlines::kNormalize ||
                       config_.bare_newlines == FakeServerConfig::BareNewlines::kLax;
  if ((line.ending == LineEnding::kBareLf || line.bare_cr) && !lenient &&
      config_.bare_newlines == FakeServerConfig::BareNewlines::kDisconnect) {
    Say(out, 521, "5.5.2",
        line.bare_cr ? "Error: bare <CR> (\\r) received" : "Error: bare <LF> (\\n) received");
    return Close(out);
  }
  if (line.ending == LineEnding::kBareLf && !lenient) {
    return Say(out, 500, "5.5.2", "Bare LF not allowed, end lines with CRLF");
  }
  if (line.bare_cr && !lenient) {
    return Say(out, 500, "5.5.2", "Bare CR not allowed in a command");
  }
  const FaultRule* rule =
      rules_ && !rules_->empty() ? rules_->Match(FaultRule::On::kCommand, line.text) : nullptr;
  if (!rule) return Dispatch(line.text, out);

  size_t first = out.size();
  int code = rule->reply ? std::atoi(rule->reply->c_str()) : 0;
  bool replace_only =
      rule->reply && (code >= 400 || code < 200 || rule->action == FaultRule::Action::kDisconnect);
  if (replace_only) {
    // A refusal: the command has no effect, the rule's reply is the answer.
    out.push_back({ServerOutput::Kind::kReply, RuleReplyWire(*rule->reply), rule});
  } else {
    if (rule->action == FaultRule::Action::kDropInData) drop_rule_ = rule;
    Dispatch(line.text, out);
    for (size_t i = first; i < out.size(); ++i) {
      if (out[i].kind != ServerOutput::Kind::kReply) continue;
      out[i].rule = rule;
      if (rule->reply) out[i].wire = RuleReplyWire(*rule->reply);
      break;  // shape the command's own reply, not later ones
    }
  }
  if (rule->action == FaultRule::Action::kDisconnect && state_ != State::kClosed) Close(out);
}

void ServerSession::Dispatch(std::string_view text, ServerOutputs& out) {
  auto cmd = ParseCommand(text);
  if (!cmd.ok()) return Say(out, 500, "5.5.2", "Syntax error, command unrecognized");
  const std::string& verb = cmd->verb;
  std::string_view args = cmd->args;

  if (state_ == State::kRejected) {
    if (verb == "QUIT") {
      Say(out, 221, "2.0.0", config_.hostname + " closing connection");
      return Close(out);
    }
    return Say(out, 503, "5.5.1", "Bad sequence of commands");
  }
  if (verb == "HELO" || verb == "EHLO") return Helo(verb, args, out);
  if (verb == "MAIL") return Mail(args, out);
  if (verb == "RCPT") return Rcpt(args, out);
  if (verb == "DATA") return Data(args, out);
  if (verb == "BDAT") return Bdat(args, out);
  if (verb == "AUTH") return Auth(args, out);
  if (verb == "STARTTLS") return StartTls(args, out);
  if (verb == "RSET") {
    if (!args.empty()) return Say(out, 501, "5.5.4", "Syntax: RSET");
    ResetTransaction();
    return Say(out, 250, "2.0.0", "Ok");
  }
  if (verb == "NOOP") return Say(out, 250, "2.0.0", "Ok");
  if (verb == "QUIT") {
    if (!args.empty()) return Say(out, 501, "5.5.4", "Syntax: QUIT");
    Say(out, 221, "2.0.0", config_.hostname + " closing connection");
    return Close(out);
  }
  if (verb == "VRFY") {
    if (args.empty()) return Say(out, 501, "5.5.4", "Syntax: VRFY address");
    return Say(out, 252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
  }
  if (verb == "HELP") {
    out.push_back({ServerOutput::Kind::kReply,
                   Line(214, "2.0.0", "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP", false) +
                       Line(214, "2.0.0", "VRFY QUIT HELP STARTTLS AUTH", true),
                   nullptr});
    return;
  }
  if (KnownButNotImplemented(verb)) return Say(out, 502, "5.5.1", "Command not implemented");
  Say(out, 500, "5.5.2", "Syntax error, command unrecognized");
}

void ServerSession::Helo(std::string_view verb, std::string_view args, ServerOutputs& out) {
  std::string_view name = args;
  while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
  if (name.empty() || (verb == "HELO" && name.find(' ') != std::string_view::npos)) {
    return Say(out, 501, "5.5.4", std::string("Syntax: ") + std::string(verb) + " hostname");
  }
  // The name is echoed in the reply: control bytes (NUL, ESC, ...) would be
  // sent back to the client and into transcripts and terminals.
  if (std::any_of(name.begin(), name.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
      })) {
    return Say(out, 501, "5.5.4", "Invalid character in hostname");
  }
  ResetTransaction();
  helo_ = std::string(name);
  esmtp_ = verb == "EHLO";
  enhanced_ = esmtp_ && Advertised("ENHANCEDSTATUSCODES");
  state_ = State::kReady;
  if (!esmtp_) {
    return Say(out, 250, "", config_.hostname + " Hello " + helo_);
  }
  std::vector<std::string> ext = Extensions();
  std::string wire;
  wire += Line(250, "", config_.hostname + " Hello " + helo_, ext.empty());
  for (size_t i = 0; i < ext.size(); ++i) wire += Line(250, "", ext[i], i + 1 == ext.size());
  out.push_back({ServerOutput::Kind::kReply, std::move(wire), nullptr});
}

void ServerSession::Mail(std::string_view args, ServerOutputs& out) {
  if (state_ == State::kConnected) return Say(out, 503, "5.5.1", "Send HELO/EHLO first");
  if (state_ == State::kMail || state_ == State::kRcpt) {
    return Say(out, 503, "5.5.1", "Nested MAIL command");
  }
  if (config_.auth.required && auth_user_.empty()) {
    return Say(out, 530, "5.7.0", "Authentication required");
  }
  auto path = ParseMailFrom(args);
  if (!path.ok()) return Say(out, 501, "5.5.4", path.status().message());
  ServerTransaction txn;
  for (const auto& p : path->params) {
    if (!esmtp_) return Say(out, 555, "5.5.4", "MAIL parameters need EHLO");
    if (p.keyword == "SIZE" && Advertised("SIZE")) {
      auto size = ParseDecimal(p.value, kMaxSizeDigits);
      if (!size) {
        return Say(out, 501, "5.5.4", "SIZE value must be a number of 1 to 20 digits (RFC 1870)");
      }
      // A value past 64 bits is over any cap this server can have.
      if (size->overflow ||
          (config_.max_message_size > 0 && size->value > config_.max_message_size)) {
        return Say(out, 552, "5.3.4", "Message size exceeds fixed maximum message size");
      }
    } else if (p.keyword == "BODY" && Advertised("8BITMIME")) {
      std::string body = Upper(p.value);
      if (body != "7BIT" && body != "8BITMIME") {
        return Say(out, 501, "5.5.4", "BODY must be 7BIT or 8BITMIME");
      }
      txn.body = body;
    } else if (p.keyword == "SMTPUTF8" && Advertised("SMTPUTF8")) {
      if (p.has_value) return Say(out, 501, "5.5.4", "SMTPUTF8 takes no value");
      txn.smtputf8 = true;
    } else if (p.keyword == "AUTH" && !config_.auth.users.empty()) {
      // RFC 4954 §5: accepted and ignored.
    } else {
      return Say(out, 555, "5.5.4", "MAIL parameter " + p.keyword + " not recognized");
    }
  }
  std::string from = path->null_path ? "" : path->Address();
  if (HasNonAscii(from) && !txn.smtputf8) {
    return Say(out, 553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
  }
  txn.mail_from = from;
  txn_ = std::move(txn);
  state_ = State::kMail;
  Say(out, 250, "2.1.0", "Sender <" + from + "> OK");
}

void ServerSession::Rcpt(std::string_view args, ServerOutputs& out) {
  if (state_ != State::kMail && state_ != State::kRcpt) {
    return Say(out, 503, "5.5.1", "Need MAIL before RCPT");
  }
  auto path = ParseRcptTo(args);
  if (!path.ok()) return Say(out, 501, "5.5.4", path.status().message());
  if (!path->params.empty()) {
    return Say(out, 555, "5.5.4", "RCPT parameter " + path->params[0].keyword + " not recognized");
  }
  std::string to = path->Address();
  if (HasNonAscii(to) && !txn_.smtputf8) {
    return Say(out, 553, "5.6.7", "Non-ASCII address needs SMTPUTF8");
  }
  if (config_.max_recipients > 0 && txn_.rcpt_to.size() >= config_.max_recipients) {
    return Say(out, 452, "4.5.3", "Too many recipients");
  }
  txn_.rcpt_to.push_back(to);
  state_ = State::kRcpt;
  Say(out, 250, "2.1.5", "Recipient <" + to + "> OK");
}

void ServerSession::EnterMessage() {
  data_size_ = 0;
  data_too_long_line_ = false;
  data_bare_.clear();
  data_prev_crlf_ = true;
  txn_.data.clear();
  txn_.helo = helo_;
  txn_.tls = tls_;
  txn_.auth_user = auth_user_;
  drop_seen_ = 0;
}

void ServerSession::Data(std::string_view args, ServerOutputs& out) {
  if (!args.empty()) return Say(out, 501, "5.5.4", "Syntax: DATA");
  if (txn_.chunked) return Say(out, 503, "5.5.1", "DATA not allowed after BDAT");
  if (state_ == State::kMail) return Say(out, 554, "5.5.1", "No valid recipients");
  if (state_ != State::kRcpt) return Say(out, 503, "5.5.1", "Need MAIL and RCPT before DATA");
  EnterMessage();
  state_ = State::kData;
  framer_.set_max_line_length(kMaxTextLine);
  Say(out, 354, "", "End data with <CR><LF>.<CR><LF>");
  if (drop_rule_ && drop_rule_->after_bytes == 0) Close(out);
}

FakeServerConfig::BareNewlines ServerSession::DataLineEndings() const {
  using B = FakeServerConfig::BareNewlines;
  if (config_.bare_newlines != B::kReject) return config_.bare_newlines;
  return config_.accept_bare_lf ? B::kLax : B::kReject;  // the older, lab-client switch
}

void ServerSession::OnDataLine(const FramedLine& line, ServerOutputs& out) {
  using B = FakeServerConfig::BareNewlines;
  const B mode = DataLineEndings();
  const bool bare_lf = line.ending == LineEnding::kBareLf;
  const bool after_crlf = data_prev_crlf_ && !line.after_bare_lf;
  data_prev_crlf_ = !bare_lf;
  if (line.text == "." && !line.too_long) {
    // RFC 5321 §4.1.1.4: only <CRLF>.<CRLF> ends the data. Anything else
    // ("\n.\n", "\n.\r\n", "\r\n.\n") is message text, or a smuggled
    // command would follow it.
    bool ends = mode == B::kLax || (!bare_lf && after_crlf);
    if (ends) {
      framer_.set_max_line_length(kMaxCommandLine);
      state_ = State::kRcpt;
      return FinishMessage(out);
    }
  }
  if (line.too_long) data_too_long_line_ = true;
  if ((bare_lf || line.bare_cr) && data_bare_.empty() && mode != B::kLax) {
    data_bare_ = !line.bare_cr ? "bare <LF> (\\n)"
                 : bare_lf     ? "bare <CR> (\\r) and bare <LF> (\\n)"
                               : "bare <CR> (\\r)";
    if (mode == B::kDisconnect) {
      Say(out, 521, "5.5.2", "Error: " + data_bare_ + " received in message data");
      return Close(out);
    }
  }
  std::string_view text = UnstuffLine(line.text);
  // Normalize stores a bare LF as the CRLF it stands for; lax keeps the bytes.
  bool keep_lf = bare_lf && mode != B::kNormalize;
  size_t n = text.size() + (keep_lf ? 1 : 2);
  data_size_ += n;
  if (config_.max_message_size == 0 || data_size_ <= config_.max_message_size) {
    txn_.data.append(text);
    txn_.data.append(keep_lf ? "\n" : "\r\n");
  }
  if (drop_rule_) {
    drop_seen_ += line.text.size() + (bare_lf ? 1 : 2);
    if (drop_seen_ >= drop_rule_->after_bytes) Close(out);
  }
}

void ServerSession::FinishMessage(ServerOutputs& out) {
  bool chunked = txn_.chunked;
  auto finish = [&](int code, std::string_view enh, const std::string& text,
                    const FaultRule* rule = nullptr) {
    std::string wire = Line(code, enh, text, true);
    if (rule && rule->reply) wire = RuleReplyWire(*rule->reply);
    out.push_back({ServerOutput::Kind::kReply, std::move(wire), rule});
    ResetTransaction();
    if (rule && rule->action == FaultRule::Action::kDisconnect) Close(out);
  };
  if (data_too_long_line_) return finish(500, "5.5.2", "Line too long (text lines: 1000 octets)");
  if (!data_bare_.empty() && DataLineEndings() == FakeServerConfig::BareNewlines::kReject) {
    return finish(554, "5.6.0",
                  "Message refused: " + data_bare_ + " in message data, end lines with <CR><LF>");
  }
  if (config_.max_message_size > 0 && data_size_ > config_.max_message_size) {
    return finish(552, "5.3.4", "Message size exceeds fixed maximum message size");
  }
  const FaultRule* rule = rules_ && rules_->Has(FaultRule::On::kMessage)
                              ? rules_->Match(FaultRule::On::kMessage, txn_.data)
                              : nullptr;
  if (rule && rule->reply && std::atoi(rule->reply->c_str()) >= 400) return finish(0, "", "", rule);
  Status stored = store_ ? store_(txn_) : Status::Ok();
  if (!stored.ok()) return finish(451, "4.3.0", "Could not store message: " + stored.message());
  ++messages_accepted_;
  std::string text = chunked
                         ? "Message accepted, " + std::to_string(data_size_) + " octets"
                         : "Ok: queued as " +
                               (session_number_ > 0 ? std::to_string(session_number_) + "." : "") +
                               std::to_string(messages_accepted_);
  finish(250, "2.0.0", text, rule);
}

void ServerSession::ResetTransaction() {
  txn_ = ServerTransaction{};
  bdat_failed_ = false;
  data_size_ = 0;
  if (state_ == State::kMail || state_ == State::kRcpt) state_ = State::kReady;
}

}  // namespace smtp
