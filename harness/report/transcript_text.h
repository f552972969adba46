// Transcripts as people read them, shared by the terminal output, JUnit and
// Gradescope bodies: one line per entry, "   1.2ms S: 220 fake ESMTP",
// control bytes escaped so a bare LF or CR is visible.
#pragma once

#include <cstddef>
#include <string>

#include "harness/core/transcript.h"

namespace smtp {

// Lines [first, last) of the transcript; each line ends with '\n' and starts
// with `indent`.
std::string FormatTranscript(const Transcript& transcript, size_t first, size_t last,
                             const std::string& indent = "  ");
inline std::string FormatTranscript(const Transcript& t, const std::string& indent = "  ") {
  return FormatTranscript(t, 0, t.size(), indent);
}

}  // namespace smtp
