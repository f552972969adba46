// LineFramer: splits a byte stream, fed in chunks of any size, into SMTP lines.
//
// No I/O: the caller feeds bytes as they arrive and pulls complete lines.
// Lines end in CRLF. A bare LF also ends a line but is reported
// (`LineEnding::kBareLf`), as is a CR not followed by LF inside a line
// (`bare_cr`), so callers decide whether to accept them instead of having
// them silently accepted. A line longer than the limit (RFC 5321 §4.5.3.1:
// 512 octets for a command line, 1000 for a text line, both counting the
// CRLF) is reported once as `too_long`; its bytes up to the next LF are
// discarded so the stream stays in sync.
//
// Not thread-safe; one framer per connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smtp {

inline constexpr size_t kMaxCommandLine = 512;  // RFC 5321 §4.5.3.1.4, incl. CRLF
inline constexpr size_t kMaxTextLine = 1000;    // RFC 5321 §4.5.3.1.6, incl. CRLF
inline constexpr size_t kMaxReplyLine = 512;    // RFC 5321 §4.5.3.1.5, incl. CRLF

enum class LineEnding { kCrlf, kBareLf };

struct FramedLine {
  std::string text;  // without the line ending; a too-long line holds its first bytes
  LineEnding ending = LineEnding::kCrlf;
  bool bare_cr = false;   // a CR not followed by LF appeared inside the line
  bool too_long = false;  // longer than the limit, including the line ending
  // The line before this one was too long, reported before its end came,
  // and that end (discarded) was a bare LF: the one thing its FramedLine
  // could not say. (DATA: "<LF>.<CRLF>" after it is text, not the end.)
  bool after_bare_lf = false;
};

class LineFramer {
 public:
  explicit LineFramer(size_t max_line_length = kMaxCommandLine) : max_(max_line_length) {}

  void Feed(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete line, or nullopt until more bytes arrive.
  std::optional<FramedLine> Next();

  // Changes the limit for lines not yet returned (command vs. text lines).
  void set_max_line_length(size_t max) { max_ = max; }
  size_t max_line_length() const { return max_; }

  // True when buffered bytes (not yet a full line) exceed the limit: the
  // caller may reply early instead of waiting for an LF that never comes.
  bool OverLongPartialLine() const;

  // Bytes buffered but not yet returned as lines.
  size_t buffered() const { return buffer_.size() - pos_; }

  // Removes and returns up to `max` raw buffered bytes (BDAT chunks), or
  // everything buffered (STARTTLS discards pipelined plaintext).
  std::string TakeRaw(size_t max = std::string::npos);

 private:
  void Compact();

  std::string buffer_;
  size_t pos_ = 0;              // start of the unread part of buffer_
  bool discarding_ = false;     // inside the remainder of a too-long line
  bool discarded_cr_ = false;   // the last byte discarded was a CR (its LF may come next read)
  bool after_bare_lf_ = false;  // the discarded remainder ended in a bare LF
  size_t max_;
};

}  // namespace smtp
