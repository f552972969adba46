// The conformance summary of a run: scenario verdicts grouped by the RFC
// sections they check (`rfc: ["5321 4.1.4"]`). Skipped means the server did
// not advertise the capability the scenario requires. Plain data, no I/O;
// the terminal output and the JSON report both show it.
#pragma once

#include <string>
#include <vector>

#include "harness/report/run_result.h"

namespace smtp {

struct ConformanceCounts {
  int passed = 0, failed = 0, errors = 0, skipped = 0;
  void Add(Verdict v);
  int total() const { return passed + failed + errors + skipped; }
};

struct ConformanceSection {
  std::string section;  // "4.1.4"; empty when the scenario named only the RFC
  ConformanceCounts counts;
  std::vector<std::string> scenarios;  // names, in run order
  std::vector<std::string> failing;    // names that failed or errored
};

struct ConformanceRfc {
  std::string rfc;                           // "5321"
  ConformanceCounts counts;                  // per scenario (a scenario counts once per RFC)
  std::vector<ConformanceSection> sections;  // in section order (4.1.10 after 4.1.9)
};

// Empty when no scenario carries `rfc:`. RFCs in numeric order.
std::vector<ConformanceRfc> SummarizeConformance(const RunResult& run);

// "5321 4.1.4" -> {"5321", "4.1.4"}; "RFC 5321 §4.1.4" and "5321#4.1.4" too.
std::pair<std::string, std::string> SplitRfcReference(const std::string& ref);

}  // namespace smtp
