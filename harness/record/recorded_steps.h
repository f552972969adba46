// Writes a recorded client-mode session as a `steps:` list (SPEC §3), for
// sessions the transcript form cannot express: a BDAT chunk (RFC 3030) is
// <size> octets sent right after its command line, with no line structure
// and no reply of its own until the octets are in, while every transcript
// `C:` line is one CRLF-terminated line. Here `BDAT 10 LAST` and its chunk
// become one `send_raw` step with the exact bytes; the other commands `send`
// steps, a message `data_raw`, STARTTLS a `starttls` step, each with the
// reply as an `expect: {glob: ...}` generalised as in the transcript form.
// Commands sent together (pipelining) become one `send_raw` and an `expect`
// step per reply. Notes ('*') become `#` comments. An AUTH exchange (its
// credential lines already redacted by the proxy) becomes an `auth:` step
// whose user name and password are variables (AuthVars), with a comment
// saying where the replay takes them from. One the client cancelled ("*")
// is replayed as sent when no credential came first, else left out with a
// comment (a cancelled AUTH leaves the session unauthenticated). Pure.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/record/reply_generaliser.h"

namespace smtp {

// The variables an AUTH step of a recording names instead of credentials,
// written `${user}` / `${password}`: by default the environment's
// SMTP_HARNESS_USER and SMTP_HARNESS_PASSWORD.
struct AuthVars {
  std::string user = "env:SMTP_HARNESS_USER";
  std::string password = "env:SMTP_HARNESS_PASSWORD";
};

// `session`: 'C' lines, 'B' chunks (the octets of the BDAT line just
// before), 'S' reply lines, '*' notes, in wire order. Returns "steps:\n..."
// ending with a newline.
std::string WriteRecordedSteps(const Transcript& session, GeneraliseLevel level,
                               const AuthVars& auth = {});

// True if `line` is an AUTH command (any case).
bool IsAuthCommand(const std::string& line);
// "AUTH PLAIN <redacted>" -> "PLAIN".
std::string AuthMechanism(const std::string& line);
// The comment above a recorded `auth:` step (lines starting "  # ").
std::string AuthComment(const std::string& mechanism, const AuthVars& vars);

// As a YAML double-quoted scalar: CR, LF, tab, quotes and control bytes
// escaped, '$' doubled (variables), valid UTF-8 kept; a byte that is not
// UTF-8 (which YAML cannot hold) becomes '?', counted in *replaced.
std::string YamlQuotedBytes(const std::string& bytes, size_t* replaced);

}  // namespace smtp
