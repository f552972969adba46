// Message data transparency (RFC 5321 §4.5.2) and the end-of-data marker.
//
// The client side turns message text into DATA bytes: line endings become
// CRLF, lines starting with '.' get another '.', and CRLF.CRLF ends it. The
// server side removes the extra dot per line and detects the end marker,
// also when it arrives split across reads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smtp {

// LF and lone CR become CRLF; existing CRLF are kept.
std::string NormalizeLineEndings(std::string_view text);

// Doubles a leading '.' on every line. Input must use CRLF line endings.
std::string DotStuff(std::string_view crlf_text);

// What DATA sends for `text`: normalised, dot-stuffed, ending in CRLF, then
// ".\r\n". An empty text becomes just ".\r\n".
std::string EncodeDataBody(std::string_view text);

// Removes the transparency dot from one received line (without CRLF).
std::string_view UnstuffLine(std::string_view line);

// Finds the end of DATA (CRLF "." CRLF) in a stream fed in arbitrary chunks.
// The message is taken to start at a line start, so ".\r\n" as the very
// first bytes also ends it (an empty message).
class EndOfDataDetector {
 public:
  // Feeds a chunk; returns the offset just past the terminator within this
  // chunk when it completes here, nullopt otherwise.
  std::optional<size_t> Feed(std::string_view chunk);
  void Reset() { state_ = kLineStart; }

 private:
  // States of a small automaton over "\r\n.\r\n" with a virtual leading CRLF.
  enum State { kMiddle, kCr, kLineStart, kDot, kDotCr };
  State state_ = kLineStart;
};

}  // namespace smtp
