#include "harness/core/command.h"

#include <cctype>

#include "harness/util/ascii.h"

namespace smtp {
namespace {

bool IsAlpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool IsUtf8(char c) { return static_cast<unsigned char>(c) >= 0x80; }

// RFC 5321 atext (RFC 5322) plus UTF-8 octets (RFC 6531).
bool IsAtext(char c) {
  if (IsAlpha(c) || IsDigit(c) || IsUtf8(c)) return true;
  static const std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
  return specials.find(c) != std::string_view::npos;
}

std::string Show(std::string_view s) {
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
  std::string out;
  out.reserve(s.size() + 5);
  out.push_back('\'');
  out.append(s.substr(0, 100));
  out.append(s.size() > 100 ? "...'" : "'");
  return out;
}

Status CheckDomain(std::string_view d) {
  if (d.empty()) return Status::InvalidArgument("empty domain");
  if (d.front() == '[') {
    if (d.back() != ']' || d.size() < 3) {
      return Status::InvalidArgument("address literal " + Show(d) + " is missing ']'");
    }
    std::string_view inner = d.substr(1, d.size() - 2);
    for (char c : inner) {
      if (c == '[' || c == ']' || c == '\\' || static_cast<unsigned char>(c) < 33) {
        return Status::InvalidArgument("invalid character in address literal " + Show(d));
      }
    }
    return Status::Ok();
  }
  size_t start = 0;
  while (true) {
    size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? d.npos : dot - start);
    if (label.empty()) return Status::InvalidArgument("empty label in domain " + Show(d));
    if (label.front() == '-' || label.back() == '-') {
      return Status::InvalidArgument("domain label may not start or end with '-' in " + Show(d));
    }
    for (char c : label) {
      if (!(IsAlpha(c) || IsDigit(c) || c == '-' || IsUtf8(c))) {
        return Status::InvalidArgument("invalid character '" + std::string(1, c) + "' in domain " +
                                       Show(d));
      }
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return Status::Ok();
}

Status CheckLocalPart(std::string_view l) {
  if (l.empty()) return Status::InvalidArgument("empty local part");
  if (l.front() == '"') {
    if (l.size() < 2 || l.back() != '"') {
      return Status::InvalidArgument("unterminated quoted local part " + Show(l));
    }
    for (size_t i = 1; i + 1 < l.size(); ++i) {
      char c = l[i];
      if (c == '\\') {
        if (i + 2 >= l.size()) return Status::InvalidArgument("dangling '\\' in " + Show(l));
        ++i;
        continue;
      }
      if (c == '"') return Status::InvalidArgument("unescaped '\"' inside quoted local part");
      if (static_cast<unsigned char>(c) < 32 && c != '\t') {
        return Status::InvalidArgument("control character in quoted local part");
      }
    }
    return Status::Ok();
  }
  if (l.front() == '.' || l.back() == '.' || l.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("misplaced '.' in local part " + Show(l));
  }
  for (char c : l) {
    if (c != '.' && !IsAtext(c)) {
      return Status::InvalidArgument("invalid character '" + std::string(1, c) +
                                     "' in local part " + Show(l) + " (quote it)");
    }
  }
  return Status::Ok();
}

// Finds the '@' that separates local part and domain, skipping a quoted part.
size_t FindAt(std::string_view text) {
  size_t i = 0;
  if (!text.empty() && text[0] == '"') {
    for (i = 1; i < text.size(); ++i) {
      if (text[i] == '\\') {
        ++i;
      } else if (text[i] == '"') {
        ++i;
        break;
      }
    }
  }
  return text.find('@', i);
}

Result<std::vector<MailParameter>> ParseParams(std::string_view s) {
  std::vector<MailParameter> out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != ' ') {
      return Status::InvalidArgument("expected a space before parameter at " + Show(s.substr(i)));
    }
    while (i < s.size() && s[i] == ' ') ++i;
    if (i == s.size()) break;  // trailing spaces tolerated
    size_t end = s.find(' ', i);
    if (end == std::string_view::npos) end = s.size();
    std::string_view param = s.substr(i, end - i);
    MailParameter p;
    size_t eq = param.find('=');
    std::string_view kw = param.substr(0, eq);
    if (kw.empty() || !(IsAlpha(kw[0]) || IsDigit(kw[0]))) {
      return Status::InvalidArgument("invalid parameter keyword in " + Show(param));
    }
    for (char c : kw) {
      if (!(IsAlpha(c) || IsDigit(c) || c == '-')) {
        return Status::InvalidArgument("invalid parameter keyword in " + Show(param));
      }
    }
    p.keyword = Upper(kw);
    if (eq != std::string_view::npos) {
      p.has_value = true;
      p.value = std::string(param.substr(eq + 1));
      if (p.value.empty()) return Status::InvalidArgument("empty value for parameter " + p.keyword);
      for (char c : p.value) {
        unsigned char u = static_cast<unsigned char>(c);
        if ((u < 33 || u > 126 || c == '=') && u < 0x80) {
          return Status::InvalidArgument("invalid character in value of parameter " + p.keyword);
        }
      }
    }
    out.push_back(std::move(p));
    i = end;
  }
  return out;
}

Result<PathArgument> ParsePathArgument(std::string_view args, std::string_view prefix,
                                       bool allow_null) {
  if (args.size() < prefix.size() + 1 || !EqualsUpper(args.substr(0, prefix.size()), prefix) ||
      args[prefix.size()] != ':') {
    std::string want(prefix);
    want.append(":<address>");
    return Status::InvalidArgument("expected " + want + ", got " + Show(args));
  }
  std::string_view rest = args.substr(prefix.size() + 1);
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);  // tolerated
  if (rest.empty() || rest[0] != '<') {
    return Status::InvalidArgument("expected '<' to open the path in " + Show(args));
  }
  // The closing '>' is the first one outside a quoted string.
  size_t close = std::string_view::npos;
  bool quoted = false;
  for (size_t i = 1; i < rest.size(); ++i) {
    if (quoted && rest[i] == '\\') {
      ++i;
    } else if (rest[i] == '"') {
      quoted = !quoted;
    } else if (!quoted && rest[i] == '>') {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) {
    return Status::InvalidArgument("missing '>' to close the path in " + Show(args));
  }
  std::string_view inner = rest.substr(1, close - 1);
  PathArgument out;
  auto params = ParseParams(rest.substr(close + 1));
  if (!params.ok()) return params.status();
  out.params = std::move(*params);

  if (inner.empty()) {
    if (!allow_null) return Status::InvalidArgument("empty path <> is not allowed in RCPT TO");
    out.null_path = true;
    return out;
  }
  if (inner.front() == '@') {  // source route "@a,@b:user@host", RFC 5321 §4.1.2 / C
    size_t colon = inner.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("source route without ':' in " + Show(inner));
    }
    out.source_route = std::string(inner.substr(0, colon));
    inner.remove_prefix(colon + 1);
  }
  if (!allow_null && EqualsUpper(inner, "POSTMASTER")) {
    out.postmaster = true;
    out.mailbox.local_part = std::string(inner);
    return out;
  }
  auto mailbox = ParseMailbox(inner);
  if (!mailbox.ok()) return mailbox.status();
  out.mailbox = std::move(*mailbox);
  return out;
}

}  // namespace

Result<Command> ParseCommand(std::string_view line) {
  if (line.empty()) return Status::InvalidArgument("empty command line");
  size_t sp = line.find(' ');
  std::string_view verb = line.substr(0, sp);
  if (verb.empty()) return Status::InvalidArgument("command line starts with a space");
  for (char c : verb) {
    if (!IsAlpha(c)) {
      return Status::InvalidArgument("command verb " + Show(verb) + " is not alphabetic");
    }
  }
  Command cmd;
  cmd.verb = Upper(verb);
  if (sp != std::string_view::npos) cmd.args = std::string(line.substr(sp + 1));
  return cmd;
}

Result<Mailbox> ParseMailbox(std::string_view text) {
  size_t at = FindAt(text);
  if (at == std::string_view::npos) {
    return Status::InvalidArgument("address " + Show(text) + " has no '@domain'");
  }
  Mailbox m;
  m.local_part = std::string(text.substr(0, at));
  m.domain = std::string(text.substr(at + 1));
  if (auto s = CheckLocalPart(m.local_part); !s.ok()) return s;
  if (auto s = CheckDomain(m.domain); !s.ok()) return s;
  if (m.local_part.size() > 64) return Status::InvalidArgument("local part longer than 64 octets");
  if (m.domain.size() > 255) return Status::InvalidArgument("domain longer than 255 octets");
  return m;
}

std::string PathArgument::Address() const {
  if (null_path) return "";
  if (postmaster) return mailbox.local_part;
  return mailbox.Address();
}

const MailParameter* PathArgument::Param(std::string_view keyword) const {
  std::string k = Upper(keyword);
  for (const auto& p : params) {
    if (p.keyword == k) return &p;
  }
  return nullptr;
}

bool HasVerb(std::string_view line, std::string_view verb) {
  if (line.size() < verb.size()) return false;
  for (size_t i = 0; i < verb.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != verb[i]) return false;
  }
  return line.size() == verb.size() || line[verb.size()] == ' ';
}

Result<PathArgument> ParseMailFrom(std::string_view args) {
  return ParsePathArgument(args, "FROM", /*allow_null=*/true);
}

Result<PathArgument> ParseRcptTo(std::string_view args) {
  return ParsePathArgument(args, "TO", /*allow_null=*/false);
}

}  // namespace smtp
