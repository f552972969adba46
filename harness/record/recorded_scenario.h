// Writes a recorded session as a transcript-form scenario (SPEC §3): the
// client's lines as `C:`, each server reply as one generalised `S:` glob (or
// the exact lines), harness notes ('*' entries, e.g. "recording stopped at
// STARTTLS") as `#` comments. The C:/S: lines come from the scenario
// module's WriteTranscriptForm (shared with `run --update`). No `mode:` is
// written: `run` replays it against a server (client mode) and `grade` can
// check a client with the same transcript. Pure.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/record/reply_generaliser.h"

namespace smtp {

struct RecordedScenarioInfo {
  std::string name;         // scenario name
  std::string description;  // one line
  GeneraliseLevel level = GeneraliseLevel::kVolatile;
};

// `session`: the 'C'/'S'/'*' lines in wire order (one line each, no CRLF).
std::string WriteRecordedScenario(const Transcript& session, const RecordedScenarioInfo& info);

}  // namespace smtp
