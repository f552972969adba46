// Writes a recorded session as a transcript-form scenario (SPEC §3): the
// client's lines as `C:`, each server reply as one generalised `S:` glob (or
// the exact lines), harness notes ('*' entries, e.g. "recording stopped at
// STARTTLS") as `#` comments. The C:/S: lines come from the scenario
// module's WriteTranscriptForm (shared with `run --update`). By default no
// `mode:` is written (client mode: `run` replays it against a server); with
// `server_mode` it says `mode: server`, so `grade` checks a client with the
// same transcript (SPEC §3: one golden transcript, both directions); its
// S: lines are then the server's reply lines exactly, since the harness sends
// them and a client's behaviour depends on them (EHLO keywords). Pure.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/record/reply_generaliser.h"

namespace smtp {

struct RecordedScenarioInfo {
  std::string name;         // scenario name
  std::string description;  // one line
  GeneraliseLevel level = GeneraliseLevel::kVolatile;
  bool server_mode = false;  // write `mode: server` and exact replies (for grade)
};

// `session`: the 'C'/'S'/'*' lines in wire order (one line each, no CRLF).
std::string WriteRecordedScenario(const Transcript& session, const RecordedScenarioInfo& info);

}  // namespace smtp
