#include "harness/core/reply.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "harness/util/ascii.h"

namespace smtp {
namespace {

// Reads 1-3 digits without leading zeros beyond a single "0".
bool ReadNumber(std::string_view s, size_t& i, int& out) {
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && i - start < 4) ++i;
  size_t n = i - start;
  if (n == 0 || n > 3) return false;
  if (n > 1 && s[start] == '0') return false;
  out = std::atoi(std::string(s.substr(start, n)).c_str());
  return true;
}

std::string Quote(std::string_view line) {
  std::string out = "'";
  for (unsigned char c : line.substr(0, 80)) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (line.size() > 80) out += "...";
  return out + "'";
}

}  // namespace

std::string EnhancedStatus::ToString() const {
  return std::to_string(klass) + "." + std::to_string(subject) + "." + std::to_string(detail);
}

std::optional<EnhancedStatus> ParseEnhancedStatus(std::string_view text) {
  EnhancedStatus st;
  size_t i = 0;
  if (text.empty() || (text[0] != '2' && text[0] != '4' && text[0] != '5')) return std::nullopt;
  st.klass = text[0] - '0';
  i = 1;
  if (i >= text.size() || text[i] != '.') return std::nullopt;
  ++i;
  if (!ReadNumber(text, i, st.subject)) return std::nullopt;
  if (i >= text.size() || text[i] != '.') return std::nullopt;
  ++i;
  if (!ReadNumber(text, i, st.detail)) return std::nullopt;
  if (i < text.size() && text[i] != ' ') return std::nullopt;
  return st;
}

std::string Reply::Text() const {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i) out += '\n';
    out += lines[i];
  }
  return out;
}

std::string Reply::ToWire() const {
  std::string out;
  std::string code_str = std::to_string(code);
  if (lines.empty()) return code_str + "\r\n";
  for (size_t i = 0; i < lines.size(); ++i) {
    out += code_str;
    bool last = i + 1 == lines.size();
    if (!last) {
      out += '-';
    } else if (!lines[i].empty()) {
      out += ' ';
    }
    out += lines[i];
    out += "\r\n";
  }
  return out;
}

std::string Reply::ToDisplay() const {
  std::string wire = ToWire();
  std::string out;
  for (size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '\r' && i + 1 < wire.size() && wire[i + 1] == '\n') continue;
    out += wire[i];
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::optional<EnhancedStatus> Reply::Enhanced() const {
  if (lines.empty()) return std::nullopt;
  auto st = ParseEnhancedStatus(lines[0]);
  // RFC 3463: the class must agree with the reply code's class.
  if (st && st->klass != Class()) return std::nullopt;
  return st;
}

int LeadingCode(std::string_view line) {
  if (line.size() < 3) return 0;
  for (int i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) return 0;
  }
  return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

Result<Reply> ReplyFromText(std::string_view text, int default_code) {
  Reply reply;
  size_t start = 0;
  bool first = true;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    std::string_view line =
        text.substr(start, nl == std::string_view::npos ? text.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    int code = 0;
    std::string_view rest = line;
    if (line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
        std::isdigit(static_cast<unsigned char>(line[1])) &&
        std::isdigit(static_cast<unsigned char>(line[2])) &&
        (line.size() == 3 || line[3] == ' ' || line[3] == '-')) {
      code = std::atoi(std::string(line.substr(0, 3)).c_str());
      rest = line.size() > 3 ? line.substr(4) : std::string_view();
    } else {
      code = first ? default_code : reply.code;
    }
    if (code < 200 || code > 599) {
      return Status::InvalidArgument("reply " + Quote(text) +
                                     " must start with a code from 200 to 599");
    }
    if (first) {
      reply.code = code;
    } else if (code != reply.code) {
      return Status::InvalidArgument("reply " + Quote(text) + " mixes codes " +
                                     std::to_string(reply.code) + " and " + std::to_string(code));
    }
    reply.lines.emplace_back(rest);
    first = false;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
    if (start == text.size()) break;  // trailing newline
  }
  return reply;
}

Result<std::optional<Reply>> ReplyParser::FeedLine(std::string_view line) {
  auto fail = [&](const std::string& why) -> Result<std::optional<Reply>> {
    partial_ = Reply{};
    return Status::Protocol("malformed reply line " + Quote(line) + ": " + why);
  };
  if (line.size() < 3) return fail("shorter than a 3-digit code");
  for (int i = 0; i < 3; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(line[i]))) {
      return fail("does not start with a 3-digit code");
    }
  }
  int code = std::atoi(std::string(line.substr(0, 3)).c_str());
  if (code < 200 || code > 599) {
    return fail("code " + std::string(line.substr(0, 3)) + " is outside 2xx-5xx");
  }
  if (line[1] > '5') return fail("second digit of code must be 0-5");
  bool last = true;
  std::string_view text;
  if (line.size() > 3) {
    if (line[3] == '-') {
      last = false;
    } else if (line[3] != ' ') {
      return fail("code must be followed by ' ' or '-'");
    }
    text = line.substr(4);
  }
  if (!partial_.lines.empty() && code != partial_.code) {
    std::string first = std::to_string(partial_.code);
    return fail("code " + std::to_string(code) + " differs from " + first +
                " on the reply's first line");
  }
  partial_.code = code;
  partial_.lines.emplace_back(text);
  if (!last) return std::optional<Reply>();
  Reply done = std::move(partial_);
  partial_ = Reply{};
  return std::optional<Reply>(std::move(done));
}

bool EhloInfo::Has(std::string_view keyword) const { return keywords.count(Upper(keyword)) > 0; }

std::optional<std::string> EhloInfo::Params(std::string_view keyword) const {
  auto it = keywords.find(Upper(keyword));
  if (it == keywords.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> EhloInfo::AuthMechanisms() const {
  std::vector<std::string> out;
  auto params = Params("AUTH");
  if (!params) return out;
  size_t i = 0;
  std::string s = Upper(*params);
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::optional<unsigned long long> EhloInfo::SizeLimit() const {
  auto params = Params("SIZE");
  if (!params) return std::nullopt;
  // RFC 1870 §3: "SIZE" [SP 1*20DIGIT]. Anything else says no limit we can
  // use; a value past 64 bits is no limit either (it is all we can send).
  std::string_view text(*params);
  text = text.substr(0, text.find(' '));
  auto limit = ParseDecimal(text, 20);
  return limit ? limit->value : 0ULL;
}

EhloInfo ParseEhlo(const Reply& reply) {
  EhloInfo info;
  if (reply.lines.empty()) return info;
  const std::string& first = reply.lines[0];
  info.domain = first.substr(0, first.find(' '));
  for (size_t i = 1; i < reply.lines.size(); ++i) {
    const std::string& line = reply.lines[i];
    size_t sp = line.find(' ');
    std::string keyword = Upper(line.substr(0, sp));
    if (keyword.empty()) continue;
    std::string params;
    if (sp != std::string::npos) {
      params = line.substr(sp + 1);
      while (!params.empty() && params.front() == ' ') params.erase(0, 1);
      while (!params.empty() && params.back() == ' ') params.pop_back();
    }
    // "AUTH=PLAIN LOGIN" is an old form some servers still send alongside AUTH.
    if (keyword.rfind("AUTH=", 0) == 0) {
      if (!info.keywords.count("AUTH"))
        info.keywords["AUTH"] = keyword.substr(5) + (params.empty() ? "" : " " + params);
      continue;
    }
    info.keywords[keyword] = params;
  }
  return info;
}

}  // namespace smtp
