// Writes a recorded session as a server-mode `steps:` list (SPEC §4), for a
// `--mode server` recording the transcript form cannot express: an AUTH
// exchange, whose credentials are not recorded, becomes an `auth:` step
// that accepts the user name and password given by variables (AuthVars);
// one the client cancelled ("*") is checked line by line instead, as the
// server answered it, a credential line as "?*".
// The rest is what the transcript form would say: each reply exactly as
// the server sent it (`reply:`; the harness sends it), each command a glob
// (`expect:`; HELO/EHLO's name free, glob characters escaped), the message
// one `expect_data: {glob: ...}` matched line by line with its Date: and
// Message-ID: free. Notes ('*') become `#` comments; a BDAT chunk is left
// out with a comment (the scripted server reads lines). Pure.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/record/recorded_steps.h"

namespace smtp {

// `session`: 'C' lines (credentials already redacted), 'B' chunks, 'S'
// reply lines, '*' notes, in wire order. Returns "steps:\n..." ending with
// a newline.
std::string WriteRecordedServerSteps(const Transcript& session, const AuthVars& auth);

// Server mode: a client line as the glob `grade` matches (shared with the
// transcript form). Follows the session: feed every reply line too.
class ServerModeLines {
 public:
  void OnReplyLine(const std::string& line);
  std::string Glob(const std::string& line);
  bool in_message() const { return in_message_; }

 private:
  bool in_message_ = false;
  bool in_header_ = false;
};

// `*`, `?` and `\` escaped: the text matches only itself as a glob.
std::string EscapeGlob(const std::string& text);

}  // namespace smtp
