#include "harness/record/recorded_steps.h"

#include <cctype>
#include <deque>
#include <optional>
#include <vector>

#include "harness/core/reply.h"
#include "harness/record/client_stream.h"
#include "harness/util/ascii.h"
#include "harness/util/utf8.h"

namespace smtp {
namespace {

// The password a refused AUTH is replayed with: never a real one.
constexpr const char* kRefusedPassword = "not the recorded password (it was refused)";

// The line upper-cased, without trailing spaces ("data " -> "DATA").
std::string UpperTrimmed(const std::string& s) {
  std::string out = Upper(s);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

struct Command {
  enum class Kind { kLine, kStartTls, kRaw, kMessage, kAuth };
  Kind kind = Kind::kLine;
  std::string bytes;  // kLine/kStartTls: the line without CRLF; else exact bytes

  std::string Wire() const {
    return kind == Kind::kLine || kind == Kind::kStartTls ? bytes + "\r\n" : bytes;
  }
  bool IsData() const { return kind == Kind::kLine && IsDataCommand(bytes); }
};

class StepsWriter {
 public:
  StepsWriter(GeneraliseLevel level, const AuthVars& auth) : level_(level), auth_vars_(auth) {}

  void Add(const TranscriptEntry& e) {
    switch (e.dir) {
      case 'C':
        contexts_.OnClientLine(e.text);
        return OnLine(e.text);
      case 'B':
        return OnChunk(e.text);
      case 'S': {
        auto reply = parser_.FeedLine(e.text);
        if (!reply.ok()) return Comment("unparsable reply line: " + e.text);
        if (reply->has_value()) OnReply(**reply);
        return;
      }
      default:
        return Comment(e.text);
    }
  }

  std::string Finish() {
    for (const auto& c : pending_) Emit(c, nullptr);  // no reply recorded (e.g. a last QUIT)
    pending_.clear();
    if (in_message_) {
      Comment("the session ended inside a message: its " + std::to_string(message_lines_) +
              " line(s) without the final dot are left out");
    }
    if (replaced_ > 0) {
      Comment(std::to_string(replaced_) +
              " byte(s) that are not UTF-8 (which YAML cannot hold) were written as '?'");
    }
    return "steps:\n" + out_;
  }

 private:
  void OnLine(const std::string& text) {
    if (in_message_) {
      message_ += text + "\r\n";
      ++message_lines_;
      if (text == ".") {
        pending_.push_back({Command::Kind::kMessage, message_});
        in_message_ = false;
      }
      return;
    }
    if (in_auth_) {
      // A continuation of the exchange (redacted, or "*": the client cancels).
      if (auth_) auth_->answers.push_back(text);
      return;
    }
    if (IsAuthCommand(text)) {
      in_auth_ = true;
      pending_.push_back({Command::Kind::kAuth, AuthMechanism(text)});
      auth_ = AuthRecord{text, {}, {}};
      return;
    }
    bool starttls = UpperTrimmed(text) == "STARTTLS";
    pending_.push_back({starttls ? Command::Kind::kStartTls : Command::Kind::kLine, text});
  }

  void OnChunk(const std::string& octets) {
    if (!pending_.empty() && pending_.back().kind == Command::Kind::kLine &&
        ParseBdatSize(pending_.back().bytes)) {
      pending_.back().kind = Command::Kind::kRaw;
      pending_.back().bytes += "\r\n" + octets;
      return;
    }
    pending_.push_back({Command::Kind::kRaw, octets});
  }

  void OnReply(const Reply& reply) {
    ReplyContext context = contexts_.OnReply(reply.code);
    std::string glob = GeneraliseReply(reply, level_, context);
    if (in_auth_) {
      if (reply.code == 334) {  // a challenge: the client's next line follows
        if (auth_) auth_->challenges.push_back(glob);
        return;
      }
      in_auth_ = false;
    }
    bool answers_data = false;
    if (!outstanding_.empty()) {
      answers_data = outstanding_.front();
      outstanding_.pop_front();
      ExpectOnly(glob);
    } else if (pending_.empty()) {
      ExpectOnly(glob);  // the greeting
    } else if (pending_.size() == 1) {
      answers_data = pending_.front().IsData();
      Emit(pending_.front(), &glob);
    } else {
      // Sent together (pipelining): one write, then the replies one by one.
      Command all{Command::Kind::kRaw, ""};
      for (const auto& c : pending_) all.bytes += c.Wire();
      answers_data = pending_.front().IsData();
      for (size_t k = 1; k < pending_.size(); ++k) outstanding_.push_back(pending_[k].IsData());
      Emit(all, nullptr);
      ExpectOnly(glob);
    }
    pending_.clear();
    if (answers_data && reply.code == 354) {
      in_message_ = true;
      message_.clear();
      message_lines_ = 0;
    }
  }

  void Emit(const Command& c, const std::string* glob) {
    switch (c.kind) {
      case Command::Kind::kLine:
        out_ += "  - send: " + Quote(c.bytes) + "\n";
        break;
      case Command::Kind::kStartTls:
        out_ += "  - starttls: {verify: false}\n";
        break;
      case Command::Kind::kRaw:
        out_ += "  - send_raw: " + Quote(c.bytes) + "\n";
        break;
      case Command::Kind::kMessage:
        out_ += "  - data_raw: " + Quote(c.bytes) + "\n";
        break;
      case Command::Kind::kAuth:
        if (auth_ && !auth_->answers.empty() && auth_->answers.back() == "*") {
          return EmitCancelledAuth(c.bytes, glob);
        }
        if (c.bytes != "PLAIN" && c.bytes != "LOGIN") {
          Comment("AUTH " + c.bytes +
                  " was used: not replayable (the harness speaks PLAIN and LOGIN); left out");
          return;
        }
        if (glob && !glob->empty() && (*glob)[0] != '2') {
          // Refused (535 and the like): the recorded password was not the
          // good one, and the good one from the variable would be accepted
          // on replay. A password that cannot be right is refused again.
          Comment("AUTH " + c.bytes +
                  " was refused: the credentials were not recorded. The replay takes the user "
                  "name from ${" +
                  auth_vars_.user + "} and a wrong password, to be refused again");
          out_ += "  - auth: {mechanism: " + c.bytes +
                  ", username: " + Quote("${" + auth_vars_.user + "}", false) +
                  ", password: " + Quote(kRefusedPassword) + "}\n";
          break;
        }
        out_ += AuthComment(c.bytes, auth_vars_);
        out_ += "  - auth: {mechanism: " + c.bytes +
                ", username: " + Quote("${" + auth_vars_.user + "}", false) +
                ", password: " + Quote("${" + auth_vars_.password + "}", false) + "}\n";
        break;
    }
    if (glob) out_ += "    expect: {glob: " + Quote(*glob) + "}\n";
  }

  // The client answered a challenge with "*" (RFC 4954 4: it cancels; the
  // server says 501). Before any credential was sent (`AUTH LOGIN`, `334`,
  // `*`) nothing secret was said: the exchange is replayed as it was sent,
  // for any mechanism. After one (a LOGIN user name), the replay could only
  // send it from a variable, which `send` cannot encode: the exchange is
  // left out, as the server ends up where it would be had it not been tried.
  void EmitCancelledAuth(const std::string& mechanism, const std::string* glob) {
    const AuthRecord a = *auth_;
    auth_.reset();
    // "AUTH LOGIN <redacted>": what follows the mechanism is an initial response.
    const size_t npos = std::string::npos;
    const size_t mech = a.command.find_first_not_of(' ', 4);
    const size_t after = mech == npos ? npos : a.command.find(' ', mech);
    const size_t at = after == npos ? npos : a.command.find_first_not_of(' ', after);
    const std::string initial = at == npos ? "" : a.command.substr(at);
    const bool secret_sent = (!initial.empty() && initial != "=") || a.answers.size() > 1;
    if (secret_sent || a.challenges.empty()) {
      Comment("AUTH " + mechanism +
              " was cancelled by the client (\"*\") after it had sent a credential, which was "
              "not recorded: left out (the session goes on unauthenticated, as if AUTH had not "
              "been tried)" +
              (glob ? "; the server said " + *glob : std::string()));
      return;
    }
    Comment("AUTH " + mechanism +
            " cancelled by the client (\"*\", RFC 4954 4) before any credential: replayed as "
            "sent");
    out_ += "  - send: " + Quote(a.command) + "\n";
    // LOGIN's challenge is a fixed prompt; other mechanisms' (CRAM-MD5, ...)
    // change every session: only their code is checked.
    if (mechanism == "LOGIN") {
      out_ += "    expect: {glob: " + Quote(a.challenges.front()) + "}\n";
    } else {
      out_ += "    expect: 334\n";
    }
    out_ += "  - send: \"*\"\n";
    if (glob) out_ += "    expect: {glob: " + Quote(*glob) + "}\n";
  }

  void ExpectOnly(const std::string& glob) { out_ += "  - expect: {glob: " + Quote(glob) + "}\n"; }

  void Comment(const std::string& text) {
    std::string line;
    for (char c : text) line += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    out_ += "  # " + line + "\n";
  }

  std::string Quote(const std::string& bytes, bool literal = true) {
    if (literal) return YamlQuotedBytes(bytes, &replaced_);
    return "\"" + bytes + "\"";  // a variable reference: its '$' is meant
  }

  GeneraliseLevel level_;
  AuthVars auth_vars_;
  bool in_auth_ = false;  // between AUTH and its final (non-334) reply
  struct AuthRecord {
    std::string command;                  // the AUTH line, its initial response redacted
    std::vector<std::string> challenges;  // the 334 replies, generalised
    std::vector<std::string> answers;     // the client's lines: "<redacted>", or "*"
  };
  std::optional<AuthRecord> auth_;  // the exchange in progress or awaiting its step
  ReplyParser parser_;
  ReplyContextTracker contexts_;
  std::string out_;
  std::vector<Command> pending_;  // sent, not yet written as a step
  std::deque<bool> outstanding_;  // written without their reply (is it DATA?)
  bool in_message_ = false;       // after DATA's 354, before the final dot
  std::string message_;
  int message_lines_ = 0;
  size_t replaced_ = 0;
};

}  // namespace

std::string YamlQuotedBytes(const std::string& bytes, size_t* replaced) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (size_t i = 0; i < bytes.size();) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x80) {
      size_t n = Utf8SequenceLength(bytes, i);
      if (n == 0) {
        out += '?';
        ++*replaced;
        ++i;
      } else {
        out.append(bytes, i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '\r':
        out += "\\r";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '$':
        out += "$$";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out + "\"";
}

bool IsAuthCommand(const std::string& line) {
  std::string up = Upper(line.substr(0, 5));
  return up == "AUTH" || up == "AUTH ";
}

std::string AuthMechanism(const std::string& line) {
  size_t start = line.find_first_not_of(' ', 4);
  if (start == std::string::npos) return "";
  return Upper(line.substr(start, line.find(' ', start) - start));
}

std::string AuthComment(const std::string& mechanism, const AuthVars& vars) {
  return "  # AUTH " + mechanism +
         ": the credentials were not recorded. The replay takes the user name from ${" + vars.user +
         "}\n  # and the password from ${" + vars.password +
         "} (set them, or --var for plain names).\n";
}

std::string WriteRecordedSteps(const Transcript& session, GeneraliseLevel level,
                               const AuthVars& auth) {
  StepsWriter w(level, auth);
  for (const auto& e : session) w.Add(e);
  return w.Finish();
}

}  // namespace smtp
