// libFuzzer target: LineFramer fed the same bytes in fuzzer-chosen chunks
// and all at once. The lines must not depend on how the bytes were split,
// every line must be within the limit, and its text must be bytes that
// were actually sent (no padding, no invention).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "harness/core/line_framer.h"

namespace {

struct Seen {
  std::string text;
  bool crlf, bare_cr, too_long;
  bool operator==(const Seen&) const = default;
};

void Drain(smtp::LineFramer& framer, std::vector<Seen>& out, const std::string& input) {
  while (auto line = framer.Next()) {
    if (line->text.size() > framer.max_line_length()) std::abort();
    if (input.find(line->text) == std::string::npos) std::abort();
    // An overlong line may be reported before its end arrives, so its ending
    // and bare CR are only known (and compared) for lines within the limit.
    if (line->too_long) {
      out.push_back({line->text, false, false, true});
    } else {
      out.push_back({line->text, line->ending == smtp::LineEnding::kCrlf, line->bare_cr, false});
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  size_t max = fdp.ConsumeIntegralInRange<size_t>(1, 1200);
  std::vector<size_t> cuts;
  size_t ncuts = fdp.ConsumeIntegralInRange<size_t>(0, 64);
  for (size_t i = 0; i < ncuts; ++i) cuts.push_back(fdp.ConsumeIntegralInRange<size_t>(0, 4096));
  std::string input = fdp.ConsumeRemainingBytesAsString();

  smtp::LineFramer whole(max);
  std::vector<Seen> expected;
  whole.Feed(input);
  Drain(whole, expected, input);

  smtp::LineFramer chunked(max);
  std::vector<Seen> got;
  size_t at = 0;
  for (size_t cut : cuts) {
    size_t n = std::min(cut, input.size() - at);
    chunked.Feed(std::string_view(input).substr(at, n));
    Drain(chunked, got, input);
    at += n;
  }
  chunked.Feed(std::string_view(input).substr(at));
  Drain(chunked, got, input);

  if (got != expected) {
    for (size_t i = 0; i < std::max(got.size(), expected.size()); ++i) {
      auto show = [](const std::vector<Seen>& v, size_t i) {
        if (i >= v.size()) return std::string("(none)");
        return "[" + v[i].text + "] crlf=" + std::to_string(v[i].crlf) +
               " cr=" + std::to_string(v[i].bare_cr) + " long=" + std::to_string(v[i].too_long);
      };
      fprintf(stderr, "line %zu: whole %s | chunked %s\n", i, show(expected, i).c_str(),
              show(got, i).c_str());
    }
    std::abort();
  }
  if (chunked.buffered() != whole.buffered()) std::abort();
  // Nothing kept beyond the limit (plus the byte that proves it overlong).
  if (whole.buffered() > max + 1) std::abort();
  return 0;
}
