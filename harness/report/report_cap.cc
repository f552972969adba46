#include "harness/report/report_cap.h"

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "harness/report/json_report.h"

namespace smtp {
namespace {

size_t TranscriptBytes(const Transcript& t) {
  size_t n = 0;
  for (const auto& e : t) n += e.text.size() + 32;  // the JSON around each entry
  return n;
}

}  // namespace

size_t FitReportToCap(RunResult& run, size_t cap_bytes) {
  size_t size = RenderJsonReport(run).size();
  if (size <= cap_bytes) return 0;
  std::vector<size_t> order(run.scenarios.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return TranscriptBytes(run.scenarios[a].transcript) >
           TranscriptBytes(run.scenarios[b].transcript);
  });
  size_t dropped = 0;
  for (size_t i : order) {
    auto& t = run.scenarios[i].transcript;
    if (t.empty()) break;
    size_t bytes = TranscriptBytes(t);
    t.assign(1, TranscriptEntry{0, '*',
                                "transcript (" + std::to_string(bytes) +
                                    " bytes) left out: the report was over " +
                                    std::to_string(cap_bytes) + " bytes (cap: report size)"});
    ++dropped;
    size = size > bytes ? size - bytes : 0;
    if (size <= cap_bytes) {
      size = RenderJsonReport(run).size();  // the estimate said so; measure
      if (size <= cap_bytes) break;
    }
  }
  return dropped;
}

}  // namespace smtp
