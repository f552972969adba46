#include "harness/report/send_outcome.h"

#include <vector>

#include "harness/regex/regex.h"

namespace smtp {

int SendExitCode(SendPhase failed) {
  switch (failed) {
    case SendPhase::kNone:
      return kSendExitOk;
    case SendPhase::kResolve:
      return 19;
    case SendPhase::kConnect:
      return 20;
    case SendPhase::kGreeting:
      return 21;
    case SendPhase::kEhlo:
      return 22;
    case SendPhase::kMail:
      return 23;
    case SendPhase::kRcpt:
      return 24;
    case SendPhase::kData:
      return 25;
    case SendPhase::kFinal:
      return 26;
    case SendPhase::kStartTls:
      return 28;
    case SendPhase::kAuth:
      return 29;
  }
  return kSendExitLocal;
}

const char* SendPhaseName(SendPhase phase) {
  switch (phase) {
    case SendPhase::kNone:
      return "none";
    case SendPhase::kResolve:
      return "resolve";
    case SendPhase::kConnect:
      return "connect";
    case SendPhase::kGreeting:
      return "greeting";
    case SendPhase::kEhlo:
      return "ehlo";
    case SendPhase::kStartTls:
      return "starttls";
    case SendPhase::kAuth:
      return "auth";
    case SendPhase::kMail:
      return "mail";
    case SendPhase::kRcpt:
      return "rcpt";
    case SendPhase::kData:
      return "data";
    case SendPhase::kFinal:
      return "final";
  }
  return "?";
}

std::string ReplyOneLine(const Reply& reply) {
  std::string out;
  for (size_t i = 0; i < reply.lines.size(); ++i) {
    if (i > 0) out += " / ";
    out += std::to_string(reply.code);
    if (!reply.lines[i].empty()) out += " " + reply.lines[i];
  }
  if (reply.lines.empty()) out = std::to_string(reply.code);
  return out;
}

std::string ExtractQueueId(const Reply& reply) {
  static const std::vector<Regex> kPatterns = [] {
    std::vector<Regex> out;
    for (const char* p :
         {R"(queued as ([A-Za-z0-9._@-]+))", R"(\bid=([A-Za-z0-9._@-]+))",
          R"(^(?:\d\.\d{1,3}\.\d{1,3} )?<?([A-Za-z0-9._@-]+)>? Message accepted)"}) {
      out.push_back(*Regex::Compile(p, Regex::kCaseless));
    }
    return out;
  }();
  std::string text = reply.Text();
  for (const auto& re : kPatterns) {
    auto m = re.SearchGroup(text, 1);
    if (m.ok() && m->has_value()) {
      std::string id = **m;
      while (!id.empty() && (id.back() == '.' || id.back() == ')')) id.pop_back();
      return id;
    }
  }
  return "";
}

}  // namespace smtp
