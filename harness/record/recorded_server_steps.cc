#include "harness/record/recorded_server_steps.h"

#include <deque>
#include <vector>

#include "harness/core/reply.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

struct Expected {
  enum class Kind { kCommand, kAuth, kMessage };
  Kind kind = Kind::kCommand;
  std::string text;  // the command glob, the mechanism, the message glob
};

class ServerStepsWriter {
 public:
  explicit ServerStepsWriter(const AuthVars& auth) : auth_(auth) {}

  void Add(const TranscriptEntry& e) {
    switch (e.dir) {
      case 'C':
        return OnClientLine(e.text);
      case 'S':
        return OnReplyLine(e.text);
      case 'B':
        return Comment("a BDAT chunk of " + std::to_string(e.text.size()) +
                       " octets, left out: server mode cannot replay BDAT");
      default:
        return Comment(e.text);
    }
  }

  std::string Finish() {
    for (const auto& x : pending_) Emit(x, nullptr);  // no reply recorded (e.g. a last QUIT)
    if (lines_.in_message()) Comment("the session ended inside a message: it is left out");
    if (replaced_ > 0) {
      Comment(std::to_string(replaced_) +
              " byte(s) that are not UTF-8 (which YAML cannot hold) were written as '?'");
    }
    return "steps:\n" + out_;
  }

 private:
  void OnClientLine(const std::string& text) {
    if (lines_.in_message()) {
      std::string glob = lines_.Glob(text);
      if (text == ".") {
        pending_.push_back({Expected::Kind::kMessage, message_});
        message_.clear();
        return;
      }
      if (glob.rfind("..", 0) == 0) glob.erase(0, 1);  // the wire form is dot-stuffed
      message_ += glob + "\n";
      return;
    }
    if (in_auth_) {  // a continuation of the exchange (redacted, or "*": cancelled)
      auth_lines_.push_back(text);
      return;
    }
    if (IsAuthCommand(text)) {
      in_auth_ = true;
      pending_.push_back({Expected::Kind::kAuth, AuthMechanism(text)});
      auth_lines_ = {text};
      auth_challenges_.clear();
      return;
    }
    pending_.push_back({Expected::Kind::kCommand, lines_.Glob(text)});
  }

  void OnReplyLine(const std::string& text) {
    lines_.OnReplyLine(text);
    reply_lines_.push_back(text);
    auto reply = parser_.FeedLine(text);
    if (!reply.ok()) {
      reply_lines_.clear();
      return Comment("unparsable reply line: " + text);
    }
    if (!reply->has_value()) return;
    std::vector<std::string> lines = std::move(reply_lines_);
    reply_lines_.clear();
    if (in_auth_) {
      if ((**reply).code == 334) {  // a challenge the harness sends itself
        auth_challenges_.push_back(std::move(lines));
        return;
      }
      in_auth_ = false;
    }
    if (pending_.empty()) {  // the greeting
      out_ += "  - reply: " + ReplyYaml(lines) + "\n";
      return;
    }
    Expected x = std::move(pending_.front());
    pending_.pop_front();
    Emit(x, &lines);
  }

  void Emit(const Expected& x, const std::vector<std::string>* reply) {
    switch (x.kind) {
      case Expected::Kind::kCommand:
        out_ += "  - expect: " + Quote(x.text) + "\n";
        break;
      case Expected::Kind::kMessage:
        out_ += "  - expect_data: {glob: " + Quote(x.text) + "}\n";
        break;
      case Expected::Kind::kAuth:
        if (auth_lines_.size() > 1 && auth_lines_.back() == "*") {
          Comment("AUTH " + x.text +
                  " cancelled by the client (\"*\", RFC 4954 4): checked line by line, any "
                  "credential it sends first as \"?*\" (not recorded)");
          return EmitAuthLineByLine(reply);
        }
        if (reply && !reply->empty() && !reply->front().starts_with("2")) {
          // Refused: an `auth:` step would want the scenario's (good)
          // credentials, and fail the client that sends what was refused.
          Comment("AUTH " + x.text + " was refused: checked line by line, credentials as \"?*\" " +
                  "(not recorded), answered with the refusal");
          return EmitAuthLineByLine(reply);
        }
        if (x.text != "PLAIN" && x.text != "LOGIN") {
          Comment("AUTH " + x.text +
                  " was used: the harness takes PLAIN and LOGIN only; the client must use one");
        }
        out_ += AuthComment(x.text, auth_);
        out_ += "  - auth: {username: \"${" + auth_.user + "}\", password: \"${" + auth_.password +
                "}\"}\n";
        break;
    }
    if (reply) out_ += "    reply: " + ReplyYaml(*reply) + "\n";
  }

  // The client answered a challenge with "*" (RFC 4954 4: it cancels). An
  // `auth:` step would fail it for that; the exchange is checked line by
  // line instead, each answered as the server did: the AUTH command as sent
  // (an initial response, not recorded, as "?*"), every credential line as
  // "?*" (the reports show it redacted), and the "*".
  // A refused AUTH (535) is checked the same way, ending with the refusal.
  void EmitAuthLineByLine(const std::vector<std::string>* reply) {
    for (size_t i = 0; i < auth_lines_.size(); ++i) {
      const std::string& line = auth_lines_[i];
      std::string glob;
      if (i == 0) {
        const size_t redacted = line.find(" <redacted>");
        glob = redacted == std::string::npos ? EscapeGlob(line)
                                             : EscapeGlob(line.substr(0, redacted)) + " ?*";
      } else {
        glob = line == "*" || line == "=" ? EscapeGlob(line) : "?*";
      }
      out_ += "  - expect: " + Quote(glob) + "\n";
      const std::vector<std::string>* answer = i < auth_challenges_.size()   ? &auth_challenges_[i]
                                               : i + 1 == auth_lines_.size() ? reply
                                                                             : nullptr;
      if (answer) out_ += "    reply: " + ReplyYaml(*answer) + "\n";
    }
    auth_lines_.clear();
    auth_challenges_.clear();
  }

  std::string ReplyYaml(const std::vector<std::string>& lines) {
    if (lines.size() == 1) return Quote(lines.front());
    std::string out = "[";
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + Quote(lines[i]);
    return out + "]";
  }

  void Comment(const std::string& text) {
    std::string line;
    for (char c : text) line += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
    out_ += "  # " + line + "\n";
  }

  std::string Quote(const std::string& bytes) { return YamlQuotedBytes(bytes, &replaced_); }

  AuthVars auth_;
  ServerModeLines lines_;
  ReplyParser parser_;
  std::vector<std::string> reply_lines_;
  std::deque<Expected> pending_;  // client lines whose reply has not come yet
  bool in_auth_ = false;
  std::vector<std::string> auth_lines_;  // the AUTH command and the client's answers
  std::vector<std::vector<std::string>> auth_challenges_;  // the 334 replies to them
  std::string message_;
  std::string out_;
  size_t replaced_ = 0;
};

bool AllDigits(const std::string& w, size_t min, size_t max) {
  if (w.size() < min || w.size() > max) return false;
  for (char c : w) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsMonth(const std::string& w) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (const char* m : kMonths) {
    if (w == m) return true;
  }
  return false;
}

bool IsTime(const std::string& w) {  // HH:MM or HH:MM:SS
  if (w.size() != 5 && w.size() != 8) return false;
  for (size_t i = 0; i < w.size(); ++i) {
    bool colon = i % 3 == 2;
    if (colon ? w[i] != ':' : !std::isdigit(static_cast<unsigned char>(w[i]))) return false;
  }
  return true;
}

bool IsZone(const std::string& w) {  // +0000, -0500, GMT, UTC, (UTC)
  if (w.size() == 5 && (w[0] == '+' || w[0] == '-')) return AllDigits(w.substr(1), 4, 4);
  return w == "GMT" || w == "UTC" || w == "UT" || w == "(UTC)" || w == "(GMT)";
}

bool IsDayName(const std::string& w) {  // "Sun,"
  static const char* const kDays[] = {"Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"};
  for (const char* d : kDays) {
    if (w == d) return true;
  }
  return false;
}

// A header line with every RFC 5322 date-time in it ("Sun, 06 Dec 2026
// 01:22:23 +0000") as `*`, the rest glob-escaped: a date a client puts into
// another header (swaks's default Subject) changes from run to run too.
std::string DatesFree(const std::string& line) {
  std::vector<std::string> words, spaces;  // spaces[i]: the blanks before words[i]
  size_t i = 0;
  std::string trailing;
  while (i < line.size()) {
    size_t w = line.find_first_not_of(" \t", i);
    if (w == std::string::npos) {
      trailing = line.substr(i);
      break;
    }
    size_t e = line.find_first_of(" \t", w);
    if (e == std::string::npos) e = line.size();
    spaces.push_back(line.substr(i, w - i));
    words.push_back(line.substr(w, e - w));
    i = e;
  }
  std::string out;
  for (size_t k = 0; k < words.size(); ++k) {
    // DD Mon YYYY HH:MM[:SS], with the day name before and the zone after.
    if (k + 3 < words.size() && AllDigits(words[k], 1, 2) && IsMonth(words[k + 1]) &&
        AllDigits(words[k + 2], 4, 4) && IsTime(words[k + 3])) {
      size_t end = k + 4;
      if (end < words.size() && IsZone(words[end])) ++end;
      bool day = !out.empty() && k > 0 && IsDayName(words[k - 1]);
      if (day) out.resize(out.size() - words[k - 1].size());  // written just before
      out += (day ? "" : spaces[k]) + "*";
      k = end - 1;
      continue;
    }
    out += spaces[k] + EscapeGlob(words[k]);
  }
  return out + trailing;
}

}  // namespace

std::string EscapeGlob(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void ServerModeLines::OnReplyLine(const std::string& line) {
  if (line.size() >= 4 && line[3] == '-') return;  // not the last line of the reply
  if (line.rfind("354", 0) == 0) {
    in_message_ = true;
    in_header_ = true;
  }
}

// What the same client legitimately varies from run to run is left free:
// its HELO/EHLO name (the host it runs on) and the Date: and Message-ID:
// headers of its message (made at sending time); the rest is matched as
// sent.
std::string ServerModeLines::Glob(const std::string& line) {
  if (in_message_) {
    if (line == ".") {
      in_message_ = false;
      return line;
    }
    if (line.empty()) in_header_ = false;
    if (in_header_) {
      for (std::string name : {"Date:", "Message-ID:"}) {
        if (line.size() >= name.size() && Upper(line.substr(0, name.size())) == Upper(name))
          return line.substr(0, name.size()) + " *";
      }
      return DatesFree(line);  // swaks: "Subject: test Sun, 06 Dec 2026 01:22:23 +0000"
    }
    return EscapeGlob(line);
  }
  std::string verb = Upper(line.substr(0, 5));
  if (verb == "HELO " || verb == "EHLO ") return line.substr(0, 4) + " *";
  return EscapeGlob(line);
}

std::string WriteRecordedServerSteps(const Transcript& session, const AuthVars& auth) {
  ServerStepsWriter w(auth);
  for (const auto& e : session) w.Add(e);
  return w.Finish();
}

}  // namespace smtp
