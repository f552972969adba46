// Writing the transcript form (for `record` and `run --update`): observed
// wire lines -> "C: ..." / "S: ..." text, and that text put into a scenario
// file in place of its `transcript: |` block, the rest of the file untouched.
// The output loads back with ScenarioLoader into the same conversation.
#pragma once

#include <string>

#include "harness/core/transcript.h"
#include "harness/util/status.h"

namespace smtp {

// One "C: text" / "S: text" line per entry ('*' notes are left out; an empty
// line is written "C:"; '$' is doubled so it is not read as a variable).
// Ends with a newline.
std::string WriteTranscriptForm(const Transcript& entries);

// Replaces the content of the literal block `transcript: |` in `yaml` by
// `transcript` (lines as WriteTranscriptForm gives them), keeping its
// indentation. Fails if the file has no literal-block transcript.
Result<std::string> ReplaceTranscriptBlock(const std::string& yaml, const std::string& transcript);

}  // namespace smtp
