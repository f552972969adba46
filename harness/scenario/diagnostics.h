// Diagnostics: the errors found while loading a scenario, each positioned in
// the file ("file:line:col: message", 1-based), collected rather than thrown
// so a user sees every problem of a file at once.
#pragma once

#include <string>
#include <vector>

#include "harness/scenario/model.h"

namespace smtp {

struct Diagnostic {
  std::string file;
  SourcePos pos;  // line 0: the whole file (no position)
  std::string message;

  // "file:line:col: message", or "file: message" without a position.
  std::string ToString() const;
};

// Collects diagnostics for one file. Capped so hostile input cannot make an
// unbounded list; the last entry then says that more were dropped.
class Diagnostics {
 public:
  static constexpr size_t kMaxErrors = 100;

  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void Add(SourcePos pos, std::string message);
  bool empty() const { return list_.empty(); }
  size_t count() const { return total_; }  // including dropped ones
  bool full() const { return list_.size() >= kMaxErrors; }
  // Notes that checking stopped early because the list is full.
  void MarkTruncated() { truncated_ = true; }
  const std::string& file() const { return file_; }
  // Sorted by position (stable), so messages read in file order.
  std::vector<Diagnostic> Sorted() const;

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
  bool truncated_ = false;
  size_t total_ = 0;
};

// All diagnostics as lines joined by '\n' (for a Status message).
std::string JoinDiagnostics(const std::vector<Diagnostic>& list);

}  // namespace smtp
