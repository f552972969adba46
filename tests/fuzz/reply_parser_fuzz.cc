// libFuzzer target: ReplyParser, ReplyFromText, ParseEhlo and
// ParseEnhancedStatus on arbitrary bytes. The input is split into lines at
// LF (as the client's LineFramer would), each fed to one parser.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "harness/core/reply.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  smtp::ReplyParser parser;
  size_t start = 0;
  while (start <= input.size()) {
    size_t lf = input.find('\n', start);
    std::string_view line = input.substr(start, lf == std::string_view::npos ? lf : lf - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto fed = parser.FeedLine(line);
    if (fed.ok() && fed->has_value()) {
      const smtp::Reply& reply = **fed;
      // The parser promises a three-digit code in 2xx-5xx.
      if (reply.code < 200 || reply.code > 599 || reply.lines.empty()) std::abort();
      // What it accepted must survive a round trip through the wire form.
      smtp::ReplyParser again;
      std::string wire = reply.ToWire();
      std::optional<smtp::Reply> back;
      size_t at = 0;
      while (at < wire.size()) {
        size_t crlf = wire.find("\r\n", at);
        auto r = again.FeedLine(std::string_view(wire).substr(at, crlf - at));
        if (!r.ok()) std::abort();
        if (r->has_value()) back = **r;
        at = crlf + 2;
      }
      if (!back || back->code != reply.code || back->lines != reply.lines) std::abort();
      (void)smtp::ParseEhlo(reply);
      (void)reply.Enhanced();
      (void)reply.ToDisplay();
    }
    if (lf == std::string_view::npos) break;
    start = lf + 1;
  }
  (void)smtp::ReplyFromText(input);
  (void)smtp::ReplyFromText(input, 250);
  (void)smtp::ParseEnhancedStatus(input);
  return 0;
}
