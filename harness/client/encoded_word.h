// RFC 2047 encoded-words for header text that is not plain ASCII (UTF-8
// subjects, display names). Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace smtp {

// True when every byte is printable US-ASCII or space/tab.
bool IsPlainAscii(std::string_view text);

// Returns `text` unchanged when it is plain ASCII; otherwise a run of
// "=?UTF-8?B?...?=" words, each at most 75 characters (RFC 2047 §2) and
// cut on UTF-8 character boundaries, joined by CRLF SP (folded header lines).
std::string EncodeHeaderText(std::string_view utf8);

}  // namespace smtp
