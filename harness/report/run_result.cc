#include "harness/report/run_result.h"

namespace smtp {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPassed:
      return "passed";
    case Verdict::kFailed:
      return "failed";
    case Verdict::kError:
      return "error";
    case Verdict::kSkipped:
      return "skipped";
    case Verdict::kNotRun:
      return "not_run";
  }
  return "unknown";
}

RunResult::Summary RunResult::Summarize() const {
  Summary s;
  for (const auto& sc : scenarios) {
    ++s.total;
    for (const auto& st : sc.steps) s.optional_mismatches += st.optional_mismatch ? 1 : 0;
    switch (sc.status) {
      case Verdict::kPassed:
        ++s.passed;
        break;
      case Verdict::kFailed:
        ++s.failed;
        break;
      case Verdict::kError:
        ++s.errors;
        break;
      case Verdict::kSkipped:
        ++s.skipped;
        break;
      case Verdict::kNotRun:
        ++s.not_run;
        break;
    }
  }
  return s;
}

}  // namespace smtp
