#include "harness/record/reply_generaliser.h"

#include <cctype>
#include <sstream>
#include <vector>

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

bool IsHostLike(const std::string& w) {
  // "mail.example.test", "[127.0.0.1]", "host.example.test." — letters around a dot
  size_t dot = w.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 >= w.size()) return false;
  return std::isalnum(static_cast<unsigned char>(w[dot - 1])) &&
         std::isalnum(static_cast<unsigned char>(w[dot + 1]));
}

}  // namespace

Result<GeneraliseLevel> ParseGeneraliseLevel(const std::string& text) {
  if (text == "exact") return GeneraliseLevel::kExact;
  if (text == "volatile") return GeneraliseLevel::kVolatile;
  if (text == "code") return GeneraliseLevel::kCode;
  return Status::InvalidArgument("invalid --generalise '" + text +
                                 "': expected exact, volatile or code");
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

std::string GeneraliseReply(const Reply& reply, GeneraliseLevel level) {
  std::string code = std::to_string(reply.code);
  std::string text = reply.lines.empty() ? "" : reply.lines.front();
  if (level == GeneraliseLevel::kCode) return code + " *";
  if (level == GeneraliseLevel::kExact) {
    if (reply.lines.size() <= 1) {
      std::string out = code;
      if (!text.empty()) out.append(" ").append(EscapeForTranscript(text));
      return out;
    }
    std::string out;
    for (size_t i = 0; i < reply.lines.size(); ++i) {
      if (i) out += "\n";
      out += code + (i + 1 < reply.lines.size() ? "-" : " ") + EscapeForTranscript(reply.lines[i]);
    }
    return out;
  }
  std::istringstream in(text);
  std::vector<std::string> words;
  std::string w;
  bool first = true;
  while (in >> w) {
    bool keep = first && ParseEnhancedStatus(w).has_value();  // "2.0.0" is not volatile
    first = false;
    if (!keep && IsVolatileWord(w)) {
      if (words.empty() || words.back() != "*") words.push_back("*");
    } else {
      words.push_back(EscapeForTranscript(w));
    }
  }
  // Multi-line replies keep only their first line, and whitespace inside a
  // line may differ: end on a star so the rest is free.
  std::string out = code;
  for (const auto& word : words) out += " " + word;
  if (reply.lines.size() > 1 && (words.empty() || words.back() != "*")) out += " *";
  if (words.empty() && reply.lines.size() <= 1 && !text.empty()) out += " *";
  return out;
}

}  // namespace smtp
