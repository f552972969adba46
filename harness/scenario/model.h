// The scenario model: what a scenario file says, with no YAML in it, so other
// front ends (the recorder, tests) can build scenarios in code.
//
// Strings keep their ${var} references unexpanded; the runner expands them
// as it goes (captures from earlier steps become variables for later ones).
// Positions (line, column; 1-based, 0 when built in code) point into the
// scenario file for error messages and reports.
#pragma once

#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/server_config.h"
#include "harness/util/duration.h"

namespace smtp {

class Regex;  // harness/regex/regex.h

// A regex of a matcher compiled by the loader, once, when it has no ${var}
// (a pattern with variables is compiled after expansion, when it is used).
// Shared by every run and thread; null for matchers built in code.
using CompiledRegex = std::shared_ptr<const Regex>;

struct SourcePos {
  int line = 0;
  int column = 0;
};

// An `expect:` in client mode: which replies pass (SPEC §3 "Reply matchers").
struct ReplyMatcher {
  // Code patterns, any of which passes: "250", "2xx", "25x". Empty: any code.
  std::vector<std::string> codes;
  std::optional<std::string> text;      // regex searched in the reply text (lines joined by \n)
  std::optional<std::string> glob;      // transcript form: glob on "CODE text" of the last line(s)
  std::vector<std::string> ext;         // EHLO keywords that must be advertised
  std::vector<std::string> not_ext;     // EHLO keywords that must not be advertised
  std::optional<std::string> enhanced;  // RFC 3463 status, "5.1.1" (x allowed: "5.x.x")
  std::vector<std::pair<std::string, std::string>> capture;  // VAR -> regex (group 1)
  std::shared_ptr<ReplyMatcher> negated;  // `not: MATCHER`: passes when that fails
  // `closed` in a code list: the server closing the connection instead of
  // replying also passes (`expect: [221, closed]`); alone, only a close does.
  bool closed = false;
  SourcePos pos;
  CompiledRegex text_regex;                    // `text`, see CompiledRegex
  std::vector<CompiledRegex> capture_regexes;  // one per `capture` entry, or empty
};

// A server-mode command matcher (SPEC §4 `expect:`).
struct CommandMatcher {
  std::optional<std::string> glob;   // on the whole line, verb case-insensitive
  std::optional<std::string> verb;   // e.g. MAIL (case-insensitive)
  std::optional<std::string> arg;    // glob on the argument
  std::optional<std::string> regex;  // on the whole line
  SourcePos pos;
  CompiledRegex compiled_regex;  // `regex`, see CompiledRegex
};

// A server-mode message matcher (SPEC §4 `expect_data:`).
struct DataMatcher {
  std::vector<std::string> contains;
  std::map<std::string, std::string> headers;  // header name -> glob on its value
  std::optional<std::string> regex;
  std::optional<std::string> equals;
  // The message line by line: as many lines, each matching the glob on the
  // same line (`*`, `?` within a line; `\*` a literal star). The transcript
  // form's server mode uses it, so a recording can leave a Date: free.
  std::optional<std::string> glob;
  // No line longer than this many octets with its CRLF (the dot added by
  // dot-stuffing not counted: RFC 5321 4.5.3.1.6 sets 1000).
  std::optional<size_t> max_line_length;
  SourcePos pos;
  CompiledRegex compiled_regex;  // `regex`, see CompiledRegex
};

enum class StepKind {
  // client mode
  kExpect,       // only an expectation (the greeting)
  kSend,         // send: LINE (+CRLF)
  kSendRaw,      // send_raw: exact bytes
  kPipeline,     // pipeline: [LINE, ...] in one write; expect one matcher per line
  kData,         // data: TEXT or data: {file} (normalised, dot-stuffed, terminated)
  kDataRaw,      // data_raw: exact bytes
  kStartTls,     // starttls: {verify}
  kAuth,         // auth: {mechanism, username, password}
  kMail,         // mail: {from, to, data} shorthand
  kSleep,        // sleep: DURATION
  kExpectClose,  // expect_close: true
  // server mode
  kReply,          // reply: "220 ..." (send a reply, expect nothing first)
  kExpectCommand,  // expect: COMMAND-MATCHER, then reply
  kExpectData,     // expect_data: DATA-MATCHER, then reply
};

const char* StepKindName(StepKind kind);  // "send", "pipeline", ...

inline constexpr int kRepeatUnbounded = std::numeric_limits<int>::max();

struct Step {
  StepKind kind = StepKind::kSend;
  int index = 0;  // 0-based position in the scenario's steps
  SourcePos pos;
  std::string name;

  std::string text;                  // send / send_raw / data / data_raw / reply
  std::string data_file;             // data: {file: PATH}, resolved against the scenario's folder
  std::vector<std::string> lines;    // pipeline
  std::vector<ReplyMatcher> expect;  // client mode; empty: no expectation
  std::optional<Duration> timeout;
  bool optional = false;
  std::vector<std::string>
      required_extensions;  // `requires:` (a C++20 keyword); EHLO extensions needed, else skipped

  bool tls_verify = false;  // starttls
  std::string tls_inject;   // starttls: bytes written right after "STARTTLS\r\n", in the
                            // same write (RFC 3207 §6: they must not survive the handshake)
  std::string auth_mechanism, auth_username, auth_password;  // auth
  std::string mail_from;                                     // mail shorthand
  std::vector<std::string> mail_to;
  std::string mail_data;
  Duration sleep{0};  // sleep

  // server mode
  CommandMatcher command;
  DataMatcher data;
  std::optional<double> points;
  // An expect step matches (and replies to) repeat_min..repeat_max commands
  // in a row (SPEC §9 `repeat: {min, max}`; `optional: true` makes min 0).
  int repeat_min = 1;
  int repeat_max = 1;  // kRepeatUnbounded: as many as come
  // How the step's reply goes out: `delay:` waits first, `split: {bytes,
  // delay}` writes it in pieces. Bytes the client sends meanwhile (before
  // the greeting, in the middle of a reply) fail its next step.
  Duration reply_delay{0};
  size_t split_bytes = 0;  // 0: one write
  Duration split_delay{0};
};

enum class ScenarioMode { kClient, kServer };

struct StrictOptions {
  bool crlf = false;        // a bare LF or CR fails the step
  bool pipelining = false;  // unannounced pipelining fails the step
  bool quit = true;         // a missing QUIT fails
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // as given on the command line
  std::vector<std::string> tags;
  ScenarioMode mode = ScenarioMode::kClient;
  std::string target = "fake";  // fake | smtp://H:P | smtps://H:P
  Duration timeout{std::chrono::seconds(5)};
  std::vector<std::pair<std::string, std::string>> vars;  // in file order
  FakeServerConfig server;
  std::vector<std::string>
      required_extensions;  // `requires:` (a C++20 keyword); EHLO extensions needed, else skipped
  std::vector<std::string> rfc;  // "5321 4.1.4"
  std::vector<Step> steps;

  // Transcript form: the steps above were built from it.
  bool from_transcript = false;
  SourcePos transcript_pos;

  // server mode
  std::string listen = "127.0.0.1:1025";
  std::string client;         // client command
  bool client_shell = false;  // `client_shell: true`: run `client` with /bin/sh -c
  StrictOptions strict;
  std::optional<double> points;
  int sessions = 1;
};

}  // namespace smtp
