// Keeping a report under a size cap (issue 17): a run against a hostile
// server, or a large suite, must not write gigabytes. Transcripts are the
// bulk; when the rendered JSON report is over the cap, the largest ones are
// replaced by a one-line note until it fits (steps, verdicts and failures
// always stay). No I/O.
#pragma once

#include <cstddef>

#include "harness/report/run_result.h"

namespace smtp {

// Returns how many transcripts were left out (0: it fitted as it was).
size_t FitReportToCap(RunResult& run, size_t cap_bytes);

}  // namespace smtp
