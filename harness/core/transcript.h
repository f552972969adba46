// TranscriptEntry: one line of a conversation as seen on the wire, for
// reports and terminal output. "C" lines were sent by the client, "S" lines
// by the server; "*" marks harness notes (TLS started, connection closed).
#pragma once

#include <string>
#include <vector>

namespace smtp {

struct TranscriptEntry {
  double t_ms = 0;   // since the start of the session
  char dir = 'C';    // 'C', 'S' or '*'
  std::string text;  // one line without CRLF; raw bytes kept (escape when printing)
  int step = -1;     // 0-based index of the scenario step it belongs to; -1: none known
};

using Transcript = std::vector<TranscriptEntry>;

// Escapes control bytes so a bare "\n" or "\r" is visible: "a\r\n" -> "a\\r\\n".
std::string EscapeBytes(const std::string& bytes);

}  // namespace smtp
