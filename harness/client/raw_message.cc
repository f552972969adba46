#include "harness/client/raw_message.h"

#include <vector>

#include "harness/client/mime_encoding.h"
#include "harness/core/dot_stuffing.h"
#include "harness/util/ascii.h"

namespace smtp {
namespace {

constexpr size_t kMaxLineOctets = 998;  // + CRLF = RFC 5321 4.5.3.1.6's 1000

// The first line of `text` (CRLF lines) longer than the limit: its 1-based
// number and length, or {0, 0}.
std::pair<size_t, size_t> FirstLongLine(std::string_view text) {
  size_t number = 1;
  for (size_t pos = 0; pos < text.size(); ++number) {
    size_t eol = text.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = text.size();
    if (eol - pos > kMaxLineOctets) return {number, eol - pos};
    pos = eol + 2;
  }
  return {0, 0};
}

struct Field {
  std::string name;           // as written
  std::string value;          // unfolded, trimmed
  size_t begin = 0, end = 0;  // its bytes in the header, CRLFs included
};

std::vector<Field> Fields(std::string_view header) {
  std::vector<Field> out;
  for (size_t pos = 0; pos < header.size();) {
    size_t eol = header.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = header.size();
    std::string_view line = header.substr(pos, eol - pos);
    size_t next = std::min(eol + 2, header.size());
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !out.empty()) {
      // Unfolded (RFC 5322 2.2.3): the line break goes, the white space stays.
      out.back().value.append(line);
      out.back().end = next;
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      Field f;
      f.name = std::string(line.substr(0, colon));
      f.value = std::string(line.substr(colon + 1));
      f.begin = pos;
      f.end = next;
      out.push_back(std::move(f));
    }
    pos = next;
  }
  for (auto& f : out) {
    size_t a = f.value.find_first_not_of(" \t");
    size_t b = f.value.find_last_not_of(" \t");
    f.value = a == std::string::npos ? "" : f.value.substr(a, b - a + 1);
  }
  return out;
}

const Field* Find(const std::vector<Field>& fields, std::string_view name) {
  for (const auto& f : fields) {
    if (Upper(f.name) == Upper(name)) return &f;
  }
  return nullptr;
}

std::string LineError(size_t number, size_t octets, std::string_view why) {
  return "line " + std::to_string(number) + " of the message is " + std::to_string(octets + 2) +
         " octets with its CRLF, longer than the 1000 SMTP allows (RFC 5321 4.5.3.1.6), and " +
         std::string(why);
}

}  // namespace

Result<FittedMessage> FitRawMessage(std::string_view message) {
  const std::string text = NormalizeLineEndings(message);
  auto [number, octets] = FirstLongLine(text);
  if (number == 0) return FittedMessage{std::string(message), ""};
  size_t split = text.find("\r\n\r\n");
  if (split == std::string::npos) {
    return Status::InvalidArgument(
        LineError(number, octets, "the message has no body to re-encode (no blank line)"));
  }
  const std::string header = text.substr(0, split + 2);
  const std::string body = text.substr(split + 4);
  auto [in_header, header_octets] = FirstLongLine(header);
  if (in_header != 0) {
    return Status::InvalidArgument(
        LineError(in_header, header_octets, "it is a header line: fold it (RFC 5322 2.2.3)"));
  }
  std::vector<Field> fields = Fields(header);
  if (const Field* ct = Find(fields, "Content-Type")) {
    const std::string type = ct->value.substr(0, ct->value.find_first_of("; \t"));
    const std::string top = Upper(type.substr(0, type.find('/')));
    if (top == "MULTIPART" || top == "MESSAGE") {
      return Status::InvalidArgument(
          LineError(number, octets, "the message is " + type + ": encode the part that holds it"));
    }
  }
  const Field* cte = Find(fields, "Content-Transfer-Encoding");
  if (cte) {
    std::string enc = Upper(cte->value);
    if (enc != "7BIT" && enc != "8BIT" && enc != "BINARY") {
      return Status::InvalidArgument(
          LineError(number, octets,
                    "its body is already " + cte->value + ": re-encode it with shorter lines"));
    }
  }
  std::string out = header;
  if (cte) out.erase(cte->begin, cte->end - cte->begin);
  if (!Find(fields, "MIME-Version")) out += "MIME-Version: 1.0\r\n";
  out += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
  out += QuotedPrintableEncode(body);
  FittedMessage fitted;
  fitted.message = std::move(out);
  fitted.note = "line " + std::to_string(number) + " of the message is " +
                std::to_string(octets + 2) +
                " octets with its CRLF, longer than the 1000 SMTP allows (RFC 5321 4.5.3.1.6): "
                "the body goes out quoted-printable";
  return fitted;
}

}  // namespace smtp
