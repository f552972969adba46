// Writing the transcript form (for `record` and `run --update`): observed
// wire lines -> "C: ..." / "S: ..." text, and that text put into a scenario
// file in place of its `transcript: |` block, the rest of the file untouched.
// The output loads back with ScenarioLoader into the same conversation.
#pragma once

#include <string>
#include <vector>

#include "harness/core/transcript.h"
#include "harness/util/status.h"

namespace smtp {

// One "C: text" / "S: text" line per entry ('*' notes are left out; an empty
// line is written "C:"; '$' is doubled so it is not read as a variable).
// Ends with a newline.
std::string WriteTranscriptForm(const Transcript& entries);

// Where the literal block `transcript: |` of a scenario file is: its
// content lines are lines[first, last) (trailing blank lines excluded),
// indented by `indent`. Fails if the file does not parse or has no
// literal-block transcript.
struct TranscriptBlock {
  std::vector<std::string> lines;  // the whole file, split on '\n'
  size_t first = 0;
  size_t last = 0;
  size_t indent = 0;
};
Result<TranscriptBlock> FindTranscriptBlock(const std::string& yaml);

// Replaces the content of the literal block `transcript: |` in `yaml` by
// `transcript` (lines as WriteTranscriptForm gives them), keeping its
// indentation. Fails if the file has no literal-block transcript.
Result<std::string> ReplaceTranscriptBlock(const std::string& yaml, const std::string& transcript);

}  // namespace smtp
