#include "harness/report/html_escape.h"

#include "harness/util/utf8.h"

namespace smtp {
namespace {

constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xef\xbf\xbd";  // U+FFFD

// The visible token for a control byte: "\r", "\n", "\t", "\0" or "\xNN".
std::string ControlToken(unsigned char c) {
  switch (c) {
    case '\r':
      return "\\r";
    case '\n':
      return "\\n";
    case '\t':
      return "\\t";
    case '\0':
      return "\\0";
    default:
      return std::string("\\x") + kHex[c >> 4] + kHex[c & 15];
  }
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// Appends text[i...] up to the next byte that needs attention, escaping the
// five HTML metacharacters and checking UTF-8. `on_control` decides what a
// control byte becomes. Returns nothing; walks the whole string.
template <typename OnControl>
void Escape(std::string_view text, std::string& out, OnControl on_control) {
  out.reserve(out.size() + text.size() + text.size() / 8);
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      size_t len = Utf8SequenceLength(text, i);
      if (len == 0) {
        out += kReplacement;
        ++i;
      } else {
        out.append(text.substr(i, len));
        i += len;
      }
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        if (IsControl(c)) {
          on_control(c, out);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  Escape(text, out, [](unsigned char c, std::string& o) {
    if (c == '\n' || c == '\t') {
      o += static_cast<char>(c);
    } else {
      o += ControlToken(c);
    }
  });
  return out;
}

std::string HtmlWire(std::string_view bytes, Markup markup) {
  const char* open =
      markup == Markup::kSvg ? "<tspan class=\"ctl\" fill=\"#b00020\">" : "<span class=\"ctl\">";
  const char* close = markup == Markup::kSvg ? "</tspan>" : "</span>";
  std::string out;
  Escape(bytes, out, [&](unsigned char c, std::string& o) {
    o += open;
    o += ControlToken(c);
    o += close;
  });
  return out;
}

std::string_view TruncateUtf8(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Back up over continuation bytes so a character is never split.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace smtp
