#include "harness/report/transcript_text.h"

#include <algorithm>
#include <cstdio>

namespace smtp {

std::string FormatTranscript(const Transcript& transcript, size_t first, size_t last,
                             const std::string& indent) {
  std::string out;
  last = std::min(last, transcript.size());
  for (size_t i = first; i < last; ++i) {
    const auto& e = transcript[i];
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%8.1fms ", e.t_ms);
    out += indent;
    out += stamp;
    out += e.dir;
    out += ": ";
    out += EscapeBytes(e.text);
    out += '\n';
  }
  return out;
}

}  // namespace smtp
