#include "harness/record/recorded_steps.h"

#include <cctype>
#include <deque>
#include <vector>

#include "harness/core/reply.h"
#include "harness/record/client_stream.h"
#include "harness/util/ascii.h"
#include "harness/util/utf8.h"

namespace smtp {
namespace {

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
    if (in_auth_) return;  // a continuation of the exchange (redacted): the auth step covers it
    if (IsAuthCommand(text)) {
      in_auth_ = true;
      pending_.push_back({Command::Kind::kAuth, AuthMechanism(text)});
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
    if (in_auth_) {
      if (reply.code == 334) return;  // a challenge: the client's next line follows
      in_auth_ = false;
    }
    std::string glob = GeneraliseReply(reply, level_, context);
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
        if (c.bytes != "PLAIN" && c.bytes != "LOGIN") {
          Comment("AUTH " + c.bytes +
                  " was used: not replayable (the harness speaks PLAIN and LOGIN); left out");
          return;
        }
        out_ += AuthComment(c.bytes, auth_vars_);
        out_ += "  - auth: {mechanism: " + c.bytes +
                ", username: " + Quote("${" + auth_vars_.user + "}", false) +
                ", password: " + Quote("${" + auth_vars_.password + "}", false) + "}\n";
        break;
    }
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
