#include "harness/record/reply_generaliser.h"

#include <cctype>
#include <vector>

#include "harness/util/alternatives.h"

namespace smtp {
namespace {

std::string EscapeForTranscript(const std::string& word) {
  std::string out;
  for (char c : word) {
    if (c == '*' || c == '?' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool IsHostLike(const std::string& w) {
  // "mail.example.test", "[127.0.0.1]", "host.example.test." — letters around a dot
  size_t dot = w.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= w.size()) return false;
  return std::isalnum(static_cast<unsigned char>(w[dot - 1])) &&
         std::isalnum(static_cast<unsigned char>(w[dot + 1]));
}

// "vm", "[vm]", "<vm>," and "(vm)" all name the client "vm".
bool NamesClient(const std::string& word, const std::string& client) {
  if (client.empty()) return false;
  std::string w = word;
  while (!w.empty() && std::string("[(<\"'").find(w.front()) != std::string::npos) w.erase(0, 1);
  while (!w.empty() && std::string("])>\"',;:.").find(w.back()) != std::string::npos) w.pop_back();
  std::string c = client;
  if (c.size() > 2 && c.front() == '[' && c.back() == ']') c = c.substr(1, c.size() - 2);
  return !w.empty() && Lower(w) == Lower(c);
}

struct Token {
  std::string space;  // the whitespace before the word, as sent
  std::string word;
};

std::vector<Token> Tokens(const std::string& text, std::string* trailing) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t word = text.find_first_not_of(" \t", i);
    if (word == std::string::npos) break;
    size_t end = text.find_first_of(" \t", word);
    if (end == std::string::npos) end = text.size();
    out.push_back({text.substr(i, word - i), text.substr(word, end - word)});
    i = end;
  }
  *trailing = text.substr(i);
  return out;
}

std::string Exact(const Reply& reply) {
  std::string code = std::to_string(reply.code);
  if (reply.lines.size() <= 1) {
    std::string text = reply.lines.empty() ? "" : reply.lines.front();
    return text.empty() ? code : code + " " + EscapeForTranscript(text);
  }
  std::string out;
  for (size_t i = 0; i < reply.lines.size(); ++i) {
    if (i) out += "\n";
    bool last = i + 1 == reply.lines.size();
    // As the server sent it: a last line without text is the code alone.
    out += code +
           (!last                    ? "-"
            : reply.lines[i].empty() ? ""
                                     : " ") +
           EscapeForTranscript(reply.lines[i]);
  }
  return out;
}

}  // namespace

namespace {

const std::pair<const char*, GeneraliseLevel> kGeneraliseLevels[] = {
    {"exact", GeneraliseLevel::kExact},
    {"volatile", GeneraliseLevel::kVolatile},
    {"code", GeneraliseLevel::kCode}};

}  // namespace

const std::vector<std::string>& GeneraliseLevelNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [name, level] : kGeneraliseLevels) out.push_back(name);
    return out;
  }();
  return names;
}

Result<GeneraliseLevel> ParseGeneraliseLevel(const std::string& text) {
  for (const auto& [name, level] : kGeneraliseLevels) {
    if (text == name) return level;
  }
  return Status::InvalidArgument("invalid --generalise '" + text + "': expected " +
                                 AlternativesText(GeneraliseLevelNames()));
}

bool IsVolatileWord(const std::string& w) {
  // Day and month names belong to dates ("Sat, 28 Nov 2026").
  static const char* const kDateWords[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
                                           "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                           "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string bare = w;
  if (!bare.empty() && bare.back() == ',') bare.pop_back();
  for (const char* d : kDateWords) {
    if (bare == d) return true;
  }
  for (char c : w) {
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '@') return true;
  }
  return IsHostLike(w);
}

std::string GeneraliseReply(const Reply& reply, GeneraliseLevel level,
                            const ReplyContext& context) {
  std::string code = std::to_string(reply.code);
  if (level == GeneraliseLevel::kCode) return code + " *";
  if (level == GeneraliseLevel::kExact) return Exact(reply);
  std::string text = reply.lines.empty() ? "" : reply.lines.front();
  std::string trailing;
  std::vector<Token> tokens = Tokens(text, &trailing);
  // "250 " (an empty text) is matched as "250 ": a star covers it.
  if (tokens.empty()) return code + " *";
  size_t first = 0;  // the first word after an RFC 3463 status
  if (ParseEnhancedStatus(tokens[0].word).has_value()) first = 1;
  std::string out = code + " ";
  bool star = false;  // the last thing written is a star standing for a run of words
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    bool vary = i >= first && ((context.names_server && i == first) || IsVolatileWord(t.word) ||
                               NamesClient(t.word, context.client_name));
    if (vary && star) continue;  // one star for the run, the spaces inside it included
    if (i > 0) out += t.space;
    out += vary ? "*" : EscapeForTranscript(t.word);
    star = vary;
  }
  // What follows the last word (spaces) is covered by a final star, and
  // otherwise kept: the glob must match the line as it was sent.
  if (!star) out += trailing;
  return out;
}

void ReplyContextTracker::OnClientLine(const std::string& line) {
  if (in_message_) {
    if (line == ".") {
      in_message_ = false;
      awaiting_.push_back(Sent::kOther);  // the reply to the message
    }
    return;
  }
  std::string up = Lower(line.substr(0, 5));
  if (up == "ehlo " || up == "helo ") {
    size_t start = line.find_first_not_of(' ', 5);
    std::string name = start == std::string::npos ? "" : line.substr(start);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    client_name_ = name;
    awaiting_.push_back(Sent::kHello);
    return;
  }
  std::string t = Lower(line);
  while (!t.empty() && t.back() == ' ') t.pop_back();
  awaiting_.push_back(t == "data" ? Sent::kData : Sent::kOther);
}

ReplyContext ReplyContextTracker::OnReply(int code) {
  ReplyContext c;
  c.client_name = client_name_;
  if (!greeted_) {
    greeted_ = true;
    c.names_server = true;
    return c;
  }
  if (awaiting_.empty()) return c;
  Sent s = awaiting_.front();
  awaiting_.pop_front();
  c.names_server = s == Sent::kHello && code == 250;
  if (s == Sent::kData && code == 354) in_message_ = true;
  return c;
}

}  // namespace smtp
