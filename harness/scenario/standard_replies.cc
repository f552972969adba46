#include "harness/scenario/standard_replies.h"

#include <map>
#include <vector>

#include "harness/core/reply.h"

namespace smtp {

std::string StandardReplyText(int code, std::string_view hostname) {
  if (!hostname.empty() && code == 220) return std::string(hostname) + " ESMTP smtp-harness";
  if (!hostname.empty() && code == 221) return std::string(hostname) + " Bye";
  static const std::map<int, const char*> kTexts = {
      {211, "System status"},
      {214, "Help"},
      {220, "smtp-harness ESMTP ready"},
      {221, "Bye"},
      {235, "2.7.0 Authentication successful"},
      {250, "OK"},
      {251, "User not local; will forward"},
      {252, "Cannot VRFY user, but will accept message"},
      {334, ""},
      {354, "End data with <CR><LF>.<CR><LF>"},
      {421, "Service not available, closing transmission channel"},
      {450, "Requested mail action not taken: mailbox unavailable"},
      {451, "Requested action aborted: local error in processing"},
      {452, "Requested action not taken: insufficient system storage"},
      {454, "TLS not available due to temporary reason"},
      {500, "Syntax error, command unrecognized"},
      {501, "Syntax error in parameters or arguments"},
      {502, "Command not implemented"},
      {503, "Bad sequence of commands"},
      {504, "Command parameter not implemented"},
      {530, "Authentication required"},
      {535, "Authentication credentials invalid"},
      {550, "Requested action not taken: mailbox unavailable"},
      {551, "User not local"},
      {552, "Requested mail action aborted: exceeded storage allocation"},
      {553, "Requested action not taken: mailbox name not allowed"},
      {554, "Transaction failed"},
  };
  auto it = kTexts.find(code);
  if (it != kTexts.end()) return it->second;
  switch (code / 100) {
    case 2:
      return "OK";
    case 3:
      return "Continue";
    case 4:
      return "Temporary failure";
    default:
      return "Failed";
  }
}

Result<std::string> ExpandStandardReply(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    int code = LeadingCode(line);
    if (!out.empty()) out += '\n';
    if (code != 0 && (line.size() == 3 || line.substr(3) == " *" || line.substr(3) == "-*")) {
      char sep = line.size() > 3 ? line[3] : ' ';
      out += std::string(line.substr(0, 3)) + sep + StandardReplyText(code);
    } else {
      out += line;
    }
    if (nl == std::string_view::npos) break;
    start = nl + 1;
    if (start == text.size()) break;
  }
  auto reply = ReplyFromText(out);
  if (!reply.ok()) return reply.status();
  return out;
}

std::string StandardReply(const std::string& reply, const std::string& hostname) {
  std::vector<std::string> lines;
  for (size_t start = 0; start <= reply.size();) {
    size_t nl = reply.find('\n', start);
    if (nl == std::string::npos) nl = reply.size();
    std::string line = reply.substr(start, nl - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
    start = nl + 1;
  }
  if (lines.empty()) return "250 " + StandardReplyText(250);
  const int first = LeadingCode(lines.front());
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = lines[i];
    int code = LeadingCode(line);
    if (code == 0) {  // text only: the first line's code
      line = std::to_string(first) + " " + line;
      code = first;
    }
    std::string text = line.size() > 4 ? line.substr(4) : "";
    if (text.empty() || text == "*") text = StandardReplyText(code, hostname);
    if (!out.empty()) out += "\n";
    out += std::to_string(code) + (i + 1 == lines.size() ? " " : "-") + text;
  }
  return out;
}

}  // namespace smtp
