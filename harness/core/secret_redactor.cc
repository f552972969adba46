#include "harness/core/secret_redactor.h"

#include <cctype>

#include "harness/util/ascii.h"

namespace smtp {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

size_t SkipBlanks(std::string_view s, size_t i) {
  while (i < s.size() && IsBlank(s[i])) ++i;
  return i;
}

size_t SkipToken(std::string_view s, size_t i) {
  while (i < s.size() && !IsBlank(s[i])) ++i;
  return i;
}

// The first word of a command line ("AUTH", "DATA"), blanks and a trailing
// CR/LF left out.
std::string_view Verb(std::string_view line) {
  size_t start = SkipBlanks(line, 0);
  size_t end = SkipToken(line, start);
  std::string_view verb = line.substr(start, end - start);
  while (!verb.empty() && (verb.back() == '\r' || verb.back() == '\n')) verb.remove_suffix(1);
  return verb;
}

bool IsCommand(std::string_view line, std::string_view upper_verb) {
  return EqualsUpper(Verb(line), upper_verb);
}

bool IsEndOfData(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  return line == ".";
}

bool CarriesNoSecret(std::string_view s) {
  while (!s.empty() && (IsBlank(s.back()) || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s.empty() || s == "*" || s == "=";
}

// One word of the base64 alphabet that is not an SMTP verb: what a
// credential line of AUTH LOGIN/PLAIN/CRAM-MD5 looks like, and no command.
bool LooksLikeCredential(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.empty()) return false;
  for (char c : line) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && c != '=')
      return false;
  }
  for (std::string_view verb :
       {"HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "NOOP", "QUIT", "VRFY", "EXPN",
        "HELP", "STARTTLS", "AUTH", "ETRN", "TURN"}) {
    if (EqualsUpper(line, verb)) return false;
  }
  return true;
}

}  // namespace

std::string RedactAuthCommand(std::string_view line) {
  if (!IsCommand(line, "AUTH")) return std::string(line);
  size_t verb_end = SkipToken(line, SkipBlanks(line, 0));
  size_t mech_end = SkipToken(line, SkipBlanks(line, verb_end));
  size_t response = SkipBlanks(line, mech_end);
  if (CarriesNoSecret(line.substr(response))) return std::string(line);
  return std::string(line.substr(0, response)) + std::string(SecretRedactor::kRedacted);
}

std::string SecretRedactor::Client(std::string_view line) {
  switch (state_) {
    case State::kAuth:
      return CarriesNoSecret(line) ? std::string(line) : std::string(kRedacted);
    case State::kAuthRefused:
      if (refused_lines_left_ > 0 && LooksLikeCredential(line)) {
        --refused_lines_left_;
        return std::string(kRedacted);
      }
      state_ = State::kCommands;
      break;
    case State::kData:
      if (IsEndOfData(line)) state_ = State::kCommands;
      return std::string(line);
    case State::kCommands:
    case State::kDataRequested:
      break;
  }
  if (IsCommand(line, "AUTH")) {
    state_ = State::kAuth;
    return RedactAuthCommand(line);
  }
  if (IsCommand(line, "DATA")) state_ = State::kDataRequested;
  return std::string(line);
}

std::string SecretRedactor::ClientLines(std::string_view lines) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t nl = lines.find('\n', start);
    std::string_view line =
        lines.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    out += Client(line);
    if (nl == std::string_view::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

void SecretRedactor::Server(std::string_view line) {
  // Only a final line ("250 ok", or a bare "250") ends a reply; a line that
  // is not a reply at all changes nothing.
  if (line.size() < 3) return;
  int code = 0;
  for (size_t i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return;
    code = code * 10 + (line[i] - '0');
  }
  if (line.size() > 3 && line[3] == '-') return;
  ServerReply(code);
}

void SecretRedactor::ServerReply(int code) {
  switch (state_) {
    case State::kAuth:
      if (code >= 200 && code < 300) {
        state_ = State::kCommands;
      } else if (code != 334) {
        state_ = State::kAuthRefused;
        refused_lines_left_ = 2;
      }
      break;
    case State::kAuthRefused:  // the 500s to the hidden lines
      break;
    case State::kDataRequested:
      state_ = code == 354 ? State::kData : State::kCommands;
      break;
    case State::kData:
      // A server replies in DATA only once the data is over (the 250 to
      // the final dot, or a refusal): a caller that never showed the "."
      // line (a step's `sent` holds the body without it) is back in sync.
      state_ = State::kCommands;
      break;
    case State::kCommands:
      break;
  }
}

}  // namespace smtp
