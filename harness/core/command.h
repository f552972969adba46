// SMTP commands (RFC 5321 §4.1): splitting a line into verb and argument,
// and the MAIL FROM / RCPT TO path grammar of §4.1.2 with ESMTP parameters.
//
// Pure functions over strings; errors are one-line messages saying what was
// expected and what was seen, meant to become a 501 reply text or a report.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/util/status.h"

namespace smtp {

struct Command {
  std::string verb;  // upper-cased: "MAIL", "EHLO", ...
  std::string args;  // everything after the verb and one space, as sent
};

// "mail FROM:<a@b>" -> {MAIL, "FROM:<a@b>"}. Fails on an empty line, a verb
// that is not alphabetic, or a verb not followed by a space or end of line.
Result<Command> ParseCommand(std::string_view line);

// Whether `line` is the command `verb` (given upper-case), compared without
// regard to case and followed by a space or the end of the line:
// HasVerb("ehlo x", "EHLO") and HasVerb("QUIT", "QUIT"), not "EHLOX".
bool HasVerb(std::string_view line, std::string_view verb);

struct Mailbox {
  std::string local_part;  // as written, quotes included if quoted
  std::string domain;      // a domain or an address literal "[127.0.0.1]"
  std::string Address() const { return local_part + "@" + domain; }
};

struct MailParameter {
  std::string keyword;  // upper-cased
  std::string value;    // empty when given without "="
  bool has_value = false;
};

struct PathArgument {
  bool null_path = false;    // "<>" (MAIL FROM only)
  Mailbox mailbox;           // empty when null_path, or for RCPT TO:<Postmaster>
  bool postmaster = false;   // RCPT TO:<Postmaster> without a domain
  std::string source_route;  // "@a,@b" from an obsolete source route, ignored
  std::vector<MailParameter> params;

  // The address as it appeared between the brackets (without the route).
  std::string Address() const;
  // Parameter value by keyword (case-insensitive); nullptr when absent.
  const MailParameter* Param(std::string_view keyword) const;
};

// Parses the argument of MAIL: "FROM:<path> [params]". One space after the
// colon is tolerated, as many servers do.
Result<PathArgument> ParseMailFrom(std::string_view args);

// Parses the argument of RCPT: "TO:<path> [params]".
Result<PathArgument> ParseRcptTo(std::string_view args);

// Checks one mailbox "local@domain" (no brackets).
Result<Mailbox> ParseMailbox(std::string_view text);

}  // namespace smtp
