#include "harness/client/message_builder.h"

#include <cctype>
#include <ctime>
#include <random>

#include "harness/client/encoded_word.h"
#include "harness/client/mime_encoding.h"
#include "harness/core/base64.h"
#include "harness/core/dot_stuffing.h"

namespace smtp {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return std::string(s.substr(b, e - b));
}

std::string RandomHex(size_t bytes) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    unsigned v = static_cast<unsigned>(rng() & 0xFF);
    out += kHex[v >> 4];
    out += kHex[v & 15];
  }
  return out;
}

// "To: a, b, c" folded before it passes 78 characters (RFC 5322 §2.1.1).
std::string AddressListHeader(const std::string& name, const std::vector<std::string>& list) {
  std::string out = name + ": ";
  size_t line_len = out.size();
  for (size_t i = 0; i < list.size(); ++i) {
    std::string item = FormatMailbox(list[i]);
    if (i > 0) {
      out += ",";
      ++line_len;
      if (line_len + 1 + item.size() > 78) {
        out += "\r\n ";
        line_len = 1;
      } else {
        out += " ";
        ++line_len;
      }
    }
    out += item;
    size_t nl = item.rfind('\n');
    line_len = nl == std::string::npos ? line_len + item.size() : item.size() - nl - 1;
  }
  return out;
}

struct Header {
  std::string name;
  std::string value;
};

}  // namespace

std::string FormatRfc5322Date(std::chrono::system_clock::time_point when) {
  std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string GenerateMessageId(std::string_view address) {
  std::string domain = AddressDomain(address);
  if (domain.empty()) domain = "smtp-harness.invalid";
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
  std::string id = "<";  // appended piecewise: GCC 12 -Wrestrict false positive on "<" + string&&
  id.append(stamp).append(".").append(RandomHex(8)).append("@").append(domain).append(">");
  return id;
}

Result<std::string> ExtractAddress(std::string_view mailbox) {
  std::string m = Trim(mailbox);
  size_t lt = m.rfind('<');
  std::string addr;
  if (lt != std::string::npos) {
    size_t gt = m.find('>', lt);
    if (gt == std::string::npos) return Status::InvalidArgument("missing '>' in address " + m);
    addr = Trim(std::string_view(m).substr(lt + 1, gt - lt - 1));
  } else {
    addr = m;
  }
  if (addr.empty()) return std::string();  // the null reverse-path "<>"
  if (addr.find_first_of(" \t\r\n<>") != std::string::npos) {
    return Status::InvalidArgument("invalid address " + m);
  }
  return addr;
}

std::string AddressDomain(std::string_view address) {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string d = Lower(address.substr(at + 1));
  while (!d.empty() && (d.back() == '>' || d.back() == ' ')) d.pop_back();
  return d;
}

std::string FormatMailbox(std::string_view mailbox) {
  std::string m = Trim(mailbox);
  size_t lt = m.rfind('<');
  if (lt == std::string::npos || lt == 0) return m;
  std::string name = Trim(std::string_view(m).substr(0, lt));
  if (IsPlainAscii(name)) return m;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') {
    name = name.substr(1, name.size() - 2);
  }
  return EncodeHeaderText(name) + " " + m.substr(lt);
}

Result<std::pair<std::string, std::string>> ParseHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("header must look like \"Name: value\", got \"" +
                                   std::string(line) + "\"");
  }
  std::string name(line.substr(0, colon));
  for (char c : name) {
    // RFC 5322 §2.2: printable ASCII except colon, no spaces.
    if (c <= 32 || c >= 127) {
      return Status::InvalidArgument("invalid header name \"" + name + "\"");
    }
  }
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return Status::InvalidArgument("header \"" + name + "\" contains a line break");
  }
  return std::make_pair(name, Trim(line.substr(colon + 1)));
}

std::string GuessContentType(std::string_view filename) {
  size_t dot = filename.rfind('.');
  std::string ext = dot == std::string_view::npos ? "" : Lower(filename.substr(dot + 1));
  if (ext == "txt" || ext == "log") return "text/plain";
  if (ext == "html" || ext == "htm") return "text/html";
  if (ext == "csv") return "text/csv";
  if (ext == "json") return "application/json";
  if (ext == "pdf") return "application/pdf";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "zip") return "application/zip";
  if (ext == "eml") return "message/rfc822";
  return "application/octet-stream";
}

std::string BuildMessage(const MessageSpec& spec) {
  std::string body = NormalizeLineEndings(spec.body);
  if (!body.empty() && !body.ends_with("\r\n")) body += "\r\n";
  bool ascii_body = IsPlainAsciiBytes(body);
  std::string text_type = "text/plain; charset=" + std::string(ascii_body ? "us-ascii" : "UTF-8");
  // RFC 2045 §2.7-2.8: 7bit/8bit only for short CRLF lines without NUL;
  // anything else (a 2,000-character line, a NUL) goes quoted-printable.
  std::string text_encoding = ascii_body ? "7bit" : "8bit";
  if (!FitsSevenOrEightBit(body)) {
    text_encoding = "quoted-printable";
    body = QuotedPrintableEncode(body);
    if (!body.empty() && !body.ends_with("\r\n")) body += "\r\n";
  }

  std::vector<Header> headers;
  headers.push_back({"Date", spec.date.empty() ? FormatRfc5322Date(std::chrono::system_clock::now())
                                               : spec.date});
  headers.push_back({"From", FormatMailbox(spec.from)});
  auto address_header = [&](const std::string& name, const std::vector<std::string>& list) {
    std::string line = AddressListHeader(name, list);
    headers.push_back({name, line.substr(name.size() + 2)});
  };
  if (!spec.to.empty()) address_header("To", spec.to);
  if (!spec.cc.empty()) address_header("Cc", spec.cc);
  if (!spec.subject.empty()) headers.push_back({"Subject", EncodeHeaderText(spec.subject)});
  auto from_addr = ExtractAddress(spec.from);
  headers.push_back({"Message-ID", spec.message_id.empty()
                                       ? GenerateMessageId(from_addr.ok() ? *from_addr : "")
                                       : spec.message_id});
  headers.push_back({"MIME-Version", "1.0"});
  std::string boundary = spec.boundary;
  if (spec.attachments.empty()) {
    headers.push_back({"Content-Type", text_type});
    headers.push_back({"Content-Transfer-Encoding", text_encoding});
  } else {
    if (boundary.empty()) boundary = "=_smtp-harness_" + RandomHex(12);
    headers.push_back({"Content-Type", "multipart/mixed; boundary=\"" + boundary + "\""});
  }
  for (const auto& [name, value] : spec.headers) {
    bool replaced = false;
    for (auto& h : headers) {
      if (Lower(h.name) == Lower(name)) {
        h.value = value;
        replaced = true;
        break;
      }
    }
    if (!replaced) headers.push_back({name, value});
  }

  std::string out;
  for (const auto& h : headers) out += h.name + ": " + h.value + "\r\n";
  out += "\r\n";
  if (spec.attachments.empty()) {
    out += body;
    return out;
  }
  out += "This is a multi-part message in MIME format.\r\n";
  out += "\r\n--" + boundary + "\r\n";
  out += "Content-Type: " + text_type + "\r\n";
  out += "Content-Transfer-Encoding: " + text_encoding + "\r\n\r\n";
  out += body;
  for (const auto& a : spec.attachments) {
    std::string type = a.content_type.empty() ? GuessContentType(a.filename) : a.content_type;
    std::string name = a.filename;
    for (char& c : name) {
      if (c == '"' || c == '\\') c = '_';
    }
    // RFC 2231 filename* for non-ASCII names; the encoded-word in name= is
    // for older readers that know only that form.
    std::string filename_param = "filename=\"" + name + "\"";
    if (!IsPlainAscii(name)) {
      filename_param = "filename*=" + Rfc2231Value(name);
      name = EncodeHeaderText(name);
    }
    // RFC 2046 §5.2.1 / §5.1: message/* and multipart/* must be 7bit, 8bit or
    // binary, never base64. Sent as they are when they fit 7bit/8bit;
    // otherwise (NUL, a line over 998 octets) they cannot be that type on
    // the wire and go as application/octet-stream in base64.
    std::string lower_type = Lower(type);
    bool composite = lower_type.rfind("message/", 0) == 0 || lower_type.rfind("multipart/", 0) == 0;
    std::string content;
    std::string encoding = "base64";
    if (composite) {
      content = NormalizeLineEndings(a.content);
      if (!content.empty() && !content.ends_with("\r\n")) content += "\r\n";
      if (FitsSevenOrEightBit(content)) {
        encoding = IsPlainAsciiBytes(content) ? "7bit" : "8bit";
      } else {
        type = "application/octet-stream";
      }
    }
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: " + type + "; name=\"" + name + "\"\r\n";
    out += "Content-Disposition: attachment; " + filename_param + "\r\n";
    out += "Content-Transfer-Encoding: " + encoding + "\r\n\r\n";
    out += encoding == "base64" ? Base64EncodeLines(a.content) : content;
  }
  out += "\r\n--" + boundary + "--\r\n";
  return out;
}

}  // namespace smtp
