// Writes a recorded session as a transcript-form scenario (SPEC §3): the
// client's lines as `C:`, each server reply as one generalised `S:` glob (or
// the exact lines), harness notes ('*' entries, e.g. "recording stopped at
// STARTTLS") as `#` comments. The result loads with ScenarioLoader and
// replays with `run`; `grade` uses the same file to check a client. Pure.
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
std::string WriteTranscriptScenario(const Transcript& session, const RecordedScenarioInfo& info);

}  // namespace smtp
