// Writes a recorded session as a transcript-form scenario (SPEC §3): the
// client's lines as `C:`, each server reply as one generalised `S:` glob (or
// the exact lines), harness notes ('*' entries, e.g. "recording stopped at
// STARTTLS") as `#` comments. The C:/S: lines come from the scenario
// module's WriteTranscriptForm (shared with `run --update`). By default no
// `mode:` is written (client mode: `run` replays it against a server); with
// `server_mode` it says `mode: server`, so `grade` checks a client with the
// same transcript (SPEC §3: one golden transcript, both directions); its
// S: lines are then the server's reply lines exactly, since the harness sends
// them and a client's behaviour depends on them (EHLO keywords).
//
// In server mode the client's lines are globs: its HELO/EHLO name and the
// Date:/Message-ID: of its message are left free, the rest escaped. A
// session with AUTH is written as `steps:` (recorded_steps.h,
// recorded_server_steps.h): an `auth:` step whose credentials are
// variables, never the recorded ones (the proxy redacts them).
// A client-mode session with a BDAT chunk ('B' entry) is written as `steps:`
// instead (recorded_steps.h: the transcript form has no way to say "these
// exact octets, no CRLF"); in server mode a chunk is left out with a note
// (the scripted server reads lines). A session that ended inside a DATA
// message (interrupted) loses the unfinished message lines to a note, so the
// file still loads. Pure.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/record/recorded_steps.h"
#include "harness/record/reply_generaliser.h"

namespace smtp {

struct RecordedScenarioInfo {
  std::string name;         // scenario name
  std::string description;  // one line
  GeneraliseLevel level = GeneraliseLevel::kVolatile;
  bool server_mode = false;  // write `mode: server` and exact replies (for grade)
  AuthVars auth{};           // what an AUTH step names instead of the credentials
};

// `session`: the 'C'/'S'/'*' lines in wire order (one line each, no CRLF),
// and 'B' BDAT chunks (the octets sent after the 'C' BDAT line before them).
std::string WriteRecordedScenario(const Transcript& session, const RecordedScenarioInfo& info);

}  // namespace smtp
