// `run --update` (SPEC §3): rewrites the `transcript: |` block of a
// transcript-form scenario from what was observed in a run, and returns a
// unified diff for review. Lines that still hold are kept as written (a
// `S: 250 *` glob that matched stays a glob; comments stay); lines that
// differ take the observed text. When the run stopped early, the rest of the
// old transcript is kept (it was not exercised). A line that takes the
// observed text goes through `generalise` (run --update passes record's
// volatile generaliser: "250 2.0.0 Ok: queued as *", not "... as 1.1").
#pragma once

#include <functional>
#include <string>

#include "harness/report/run_result.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace smtp {

// One observed reply line ("250-SIZE 10485760") to the `S:` glob written.
using ReplyLineGeneraliser = std::function<std::string(const std::string& line)>;

struct TranscriptUpdate {
  std::string file;
  std::string diff;  // empty: nothing changed, the file was not touched
};

// The new block lines (without indentation) for `old_lines` given the
// observed transcript; exposed for tests.
std::vector<std::string> UpdatedTranscriptLines(const std::vector<std::string>& old_lines,
                                                const Transcript& observed, bool run_completed,
                                                const ReplyLineGeneraliser& generalise = {});

// Reads scenario.file, rewrites its transcript block, writes it back when it
// changed. Errors: unreadable/unwritable file, no `transcript: |` block.
Result<TranscriptUpdate> UpdateTranscriptFile(const Scenario& scenario,
                                              const ScenarioResult& result,
                                              const ReplyLineGeneraliser& generalise = {});

}  // namespace smtp
