// The transcript form (SPEC §3 "Transcript form"): "C: ..." / "S: ..." lines
// turned into steps, for both modes. Pure: no YAML, no I/O.
//
// Client mode: C: lines are sent, S: lines matched as globs; consecutive
// "250-" lines form one multi-line reply; several C: lines before their
// replies form a pipeline step; after `C: DATA` answered by 354, the C: lines
// up to `C: .` are sent as one data_raw step (exact lines, CRLF-terminated).
// Server mode: S: lines are replies (`250 *` gets a standard text), C: lines
// command globs, the message lines one expect_data {glob} step (line by
// line, each line a glob; `\*` a literal star).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/diagnostics.h"
#include "harness/scenario/model.h"

namespace smtp {

struct TranscriptLine {
  char dir = 'C';  // 'C' or 'S'
  std::string text;
  SourcePos pos;
};

// Splits the transcript text into C:/S: lines. Blank lines and lines starting
// with '#' are skipped; anything else is reported. `pos_of(i)` gives the
// position of the i-th (0-based) line of `text`.
std::vector<TranscriptLine> SplitTranscript(std::string_view text,
                                            const std::function<SourcePos(int)>& pos_of,
                                            Diagnostics& diag);

// Builds the steps; reports a transcript that does not alternate sensibly.
std::vector<Step> BuildTranscriptSteps(const std::vector<TranscriptLine>& lines, ScenarioMode mode,
                                       Diagnostics& diag);

}  // namespace smtp
