// A prepared message (`send --raw-file`) made fit for SMTP's line limit: RFC
// 5321 4.5.3.1.6 allows 1000 octets per line with the CRLF. A message whose
// lines fit goes out as it is. One with a longer body line is re-encoded,
// when that keeps its meaning: a single non-multipart part in 7bit, 8bit or
// binary gets a quoted-printable body (RFC 2045 6.7) and the matching
// Content-Transfer-Encoding (and MIME-Version when missing). Anything else
// (a long header line, a multipart or already encoded body) is an error
// naming the line: the caller must encode it.
#pragma once

#include <string>
#include <string_view>

#include "harness/util/status.h"

namespace smtp {

struct FittedMessage {
  std::string message;
  std::string note;  // empty when unchanged; else what was done and why
};

Result<FittedMessage> FitRawMessage(std::string_view message);

}  // namespace smtp
