// SMTP replies (RFC 5321 §4.2): the value type and an incremental parser.
//
// ReplyParser takes reply lines one at a time (already framed, without CRLF)
// and yields a Reply when its last line (`250 text`, not `250-text`) arrives.
// It rejects what RFC 5321 forbids: codes that are not three digits in
// 2xx-5xx, a separator other than '-' or ' ', a continuation line whose code
// differs from the first line's. ParseEhlo reads the keywords of an EHLO
// reply; ParseEnhancedStatus the RFC 3463 status at the start of a text.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/status.h"

namespace smtp {

// RFC 3463 enhanced status code: class.subject.detail, e.g. 5.1.1.
struct EnhancedStatus {
  int klass = 0;
  int subject = 0;
  int detail = 0;
  std::string ToString() const;
  bool operator==(const EnhancedStatus&) const = default;
};

// "5.1.1 No such user" -> 5.1.1. Class must be 2, 4 or 5; subject 0-999,
// detail 0-999, each without leading garbage; must be followed by space or end.
std::optional<EnhancedStatus> ParseEnhancedStatus(std::string_view text);

struct Reply {
  int code = 0;
  std::vector<std::string> lines;  // the text of each line, after "250-"/"250 "

  // The lines' texts joined by '\n' (what `text:` regexes search).
  std::string Text() const;
  // The reply as it goes on the wire: "250-a\r\n250 b\r\n".
  std::string ToWire() const;
  // The reply as people read it: "250-a\n250 b" (reports, transcripts).
  std::string ToDisplay() const;
  // RFC 3463 status at the start of the first line, if any.
  std::optional<EnhancedStatus> Enhanced() const;
  int Class() const { return code / 100; }  // 2, 3, 4 or 5
};

// The code a reply line starts with ("250-x" -> 250); 0 unless it starts
// with three digits. For lines already known to be replies (transcripts,
// scripts); ReplyParser is the strict reader.
int LeadingCode(std::string_view line);

// Builds a reply from "250 OK" or multi-line "250-a\n250 b" text. Lines
// without a code get `default_code`. Used by the fake server and scripts.
Result<Reply> ReplyFromText(std::string_view text, int default_code = 0);

class ReplyParser {
 public:
  // Feeds one reply line. Returns the complete reply after its last line,
  // nullopt after a continuation line, or an error naming what is wrong.
  // After an error the parser is reset and ready for the next reply.
  Result<std::optional<Reply>> FeedLine(std::string_view line);

  bool in_progress() const { return !partial_.lines.empty(); }
  void Reset() { partial_ = Reply{}; }

 private:
  Reply partial_;
};

// The keywords an EHLO reply advertises (RFC 5321 §4.1.1.1): the first line
// is the server's domain and greeting, each later line "KEYWORD params".
struct EhloInfo {
  std::string domain;                           // first word of the first line
  std::map<std::string, std::string> keywords;  // upper-cased keyword -> parameters

  bool Has(std::string_view keyword) const;  // case-insensitive
  // Parameters of `keyword` ("SIZE 10240000" -> "10240000"); nullopt if absent.
  std::optional<std::string> Params(std::string_view keyword) const;
  // AUTH mechanisms, upper-cased.
  std::vector<std::string> AuthMechanisms() const;
  // SIZE limit; 0 means advertised without a limit (or with a value that is
  // not 1 to 20 digits); nullopt if not advertised. Past 64 bits: UINT64_MAX.
  std::optional<unsigned long long> SizeLimit() const;
};

EhloInfo ParseEhlo(const Reply& reply);

}  // namespace smtp
