// ClientStream: follows what a relayed client sends, so the recorder knows a
// command line from a message line and from a BDAT chunk (RFC 3030: after
// `BDAT <size> [LAST]` come exactly <size> octets of binary data, not lines).
// The server's replies are fed too: a 354 that answers DATA starts the
// message lines (up to the final "."), replies are matched to the commands
// in order, so pipelined commands (RFC 2920) are followed.
//
// Pure: bytes in, items out; no I/O. Not thread-safe; one per session.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "harness/core/line_framer.h"

namespace smtp {

struct ClientItem {
  enum class Kind {
    kCommand,   // a command line (BDAT's included), no CRLF
    kDataLine,  // a line of a DATA message, the final "." included
    kChunk,     // the octets of a BDAT chunk, exactly as sent
  };
  Kind kind = Kind::kCommand;
  std::string text;
};

// "DATA" alone (any case, trailing spaces allowed): the command a 354 answers.
bool IsDataCommand(std::string_view line);

// "BDAT <size> [LAST]" (verb and LAST case-insensitive): the chunk size, or
// nullopt for any other line.
std::optional<size_t> ParseBdatSize(std::string_view line);

class ClientStream {
 public:
  explicit ClientStream(size_t max_line_length) : lines_(max_line_length) {}

  void Feed(std::string_view bytes) { lines_.Feed(bytes); }
  // The next complete item, or nullopt until more bytes arrive.
  std::optional<ClientItem> Next();
  // A complete reply from the server (a multi-line reply once).
  void OnReply(int code);
  // Drops what is buffered (STARTTLS: plaintext sent after it is discarded).
  void DiscardBuffered();

  bool in_data() const { return in_data_; }

 private:
  enum class Awaiting { kCommand, kData };
  LineFramer lines_;
  std::deque<Awaiting> awaiting_;     // commands sent, their replies not yet seen
  bool in_data_ = false;              // between the 354 and the final dot
  std::optional<size_t> chunk_left_;  // inside a BDAT chunk
  std::string chunk_;
};

}  // namespace smtp
