// LoadStats: what one load thread has seen (counts, latency histograms,
// failures grouped by step and reply), merged into one LoadRunResult at the
// end. Pure and single-threaded: each thread owns one, so the hot path takes
// no lock. Failure groups are capped so a server answering every session
// differently cannot grow memory without bound: the rest count as "(other)".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/report/load_run_result.h"

namespace smtp {

class LoadStats {
 public:
  static constexpr size_t kMaxFailureGroups = 100;

  explicit LoadStats(size_t step_count) : steps_(step_count) {}

  void RecordConnect(uint64_t nanos) {
    connect_.Record(nanos);
    ++connections_;
  }
  void RecordStep(int step, uint64_t nanos) { steps_.at(static_cast<size_t>(step)).Record(nanos); }
  void RecordMessage() { ++messages_; }
  void RecordOk(uint64_t session_nanos) {
    ++ok_;
    session_.Record(session_nanos);
  }
  // A session that failed (error=false: an unmet expectation) or could not be
  // carried out (error=true). step -1: before any step.
  void RecordFailure(bool error, int step, const std::string& expected, const std::string& actual,
                     const std::string& message);

  uint64_t ok() const { return ok_; }
  uint64_t failed() const { return failed_; }
  uint64_t errors() const { return errors_; }

  void Merge(const LoadStats& other);

  // Fills the counts, histograms and failure groups of `result` (sorted by
  // count, then step); `labels`/`lines` name the scenario's steps.
  void ExportTo(LoadRunResult& result, const std::vector<std::string>& labels,
                const std::vector<int>& lines) const;

 private:
  using Key = std::pair<int, std::pair<std::string, std::string>>;  // step, (actual, kind)
  struct Group {
    std::string expected;
    std::string example;
    uint64_t count = 0;
  };

  std::vector<LatencyHistogram> steps_;
  LatencyHistogram connect_, session_;
  uint64_t ok_ = 0, failed_ = 0, errors_ = 0, messages_ = 0, connections_ = 0;
  std::map<Key, Group> groups_;
};

}  // namespace smtp
