// Text from the peer made safe for markup: the HTML page, its inline SVG and
// the JUnit XML (the one escaper of the reports). Everything a report shows
// that came from outside (replies, commands, message bodies, client output,
// scenario names, file names) goes through these, so none of it can become
// markup: & < > " ' are escaped (the result is safe in element content and in
// a quoted attribute alike, in HTML and XML 1.0), malformed UTF-8 becomes
// U+FFFD, and control bytes become visible tokens instead of characters XML
// 1.0 cannot carry or a reader cannot see. Pure functions, no I/O.
#pragma once

#include <string>
#include <string_view>

namespace smtp {

// Escaped text. TAB and LF are kept (for <pre>); CR is shown as "\r", NUL
// and the other control bytes (and DEL) as "\xNN".
std::string HtmlEscape(std::string_view text);

// Where a HtmlWire result goes: HTML marks control bytes with
// <span class="ctl">, SVG text with <tspan class="ctl">.
enum class Markup { kHtml, kSvg };

// Bytes as seen on the wire: escaped as HtmlEscape, but every control byte,
// LF and TAB included, is a marked token ("\r", "\n", "\t", "\0", "\xNN"),
// so a bare LF, a bare CR or a NUL stands out.
std::string HtmlWire(std::string_view bytes, Markup markup);

// At most `max_bytes` of `text`, cut at a UTF-8 character boundary.
std::string_view TruncateUtf8(std::string_view text, size_t max_bytes);

}  // namespace smtp
