#include "harness/runner/script_text.h"

#include "harness/util/ascii.h"
#include "harness/util/lines.h"

namespace smtp::script {

std::string CapText(const std::string& text, size_t cap) {
  if (text.size() <= cap) return text;
  return text.substr(0, cap) + "[... " + std::to_string(text.size() - cap) + " more bytes]";
}

std::vector<std::string> ReplyLines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& line : SplitLines(text)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(std::move(line));
  }
  return out;
}

std::string Raw(const FramedLine& line) {
  return line.text + (line.ending == LineEnding::kCrlf ? "\r\n" : "\n");
}

std::string Verb(std::string_view line) { return Upper(line.substr(0, line.find(' '))); }

std::string DefaultReplyFor(const std::string& command) {
  std::string verb = Verb(command);
  if (verb == "QUIT") return "221";
  if (verb == "DATA") return "354";
  return "250";
}

std::string UpperTrim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return Upper(s);
}

}  // namespace smtp::script
