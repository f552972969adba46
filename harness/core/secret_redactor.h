// SecretRedactor: keeps SASL secrets out of transcripts, logs and reports.
//
// Driven by session state, not by guessing at line contents: feed it every
// client line and every server reply line in the order they crossed the wire
// (either side of a connection can use it: the client runner, the recording
// proxy, the fake server). From an AUTH command until the server's final
// (non-334) reply to it, the AUTH line's initial response and every client
// line (continuations, and lines pipelined after the AUTH command) are shown
// as "<redacted>". SP and TAB are both separators, the verb is
// case-insensitive, leading blanks are ignored. "*" (the client cancelling
// the exchange) and "=" (an empty initial response) carry no secret and stay.
//
// A client that does not wait for the verdict sends its credentials even
// when the AUTH is refused (504, 535, a "*" cancel answered 501): after a
// refusal, up to two following lines that can only be base64 (one word of
// the base64 alphabet, not an SMTP verb) are hidden too; anything else
// ends that.
//
// DATA content is not commands: between a 354 reply to DATA and the "."
// line, client lines pass unchanged (a body line "AUTH PLAIN x" is text).
// BDAT chunks are not followed (a chunk line that looks like AUTH is
// redacted: over-redaction is the safe side).
//
// No I/O; not thread-safe (one per connection).
#pragma once

#include <string>
#include <string_view>

namespace smtp {

class SecretRedactor {
 public:
  static constexpr std::string_view kRedacted = "<redacted>";

  // A line the client sent, without CRLF. Returns the text to show.
  std::string Client(std::string_view line);
  // Every line the client sent, newline-separated (a pipeline, a step's
  // `sent`); each is passed to Client() and the results joined by '\n'.
  std::string ClientLines(std::string_view lines);
  // A reply line the server sent, without CRLF ("334 VXNlcm5hbWU6",
  // "250-PIPELINING", "235 2.7.0 ok"). Only final lines change the state.
  void Server(std::string_view line);
  // The same for a reply already parsed: its code, as a final line.
  void ServerReply(int code);

  // True while client lines are being hidden (an AUTH exchange is open).
  bool in_auth() const { return state_ == State::kAuth; }

 private:
  enum class State { kCommands, kAuth, kAuthRefused, kDataRequested, kData };
  State state_ = State::kCommands;
  int refused_lines_left_ = 0;  // kAuthRefused: credential-looking lines still hidden
};

// The AUTH command line with its initial response hidden ("AUTH PLAIN
// <redacted>"); any other line unchanged. Stateless; SecretRedactor uses it.
std::string RedactAuthCommand(std::string_view line);

}  // namespace smtp
