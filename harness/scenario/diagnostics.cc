#include "harness/scenario/diagnostics.h"

#include <algorithm>

namespace smtp {

std::string Diagnostic::ToString() const {
  if (pos.line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + message;
}

void Diagnostics::Add(SourcePos pos, std::string message) {
  ++total_;
  if (full()) {
    truncated_ = true;
    return;
  }
  list_.push_back(Diagnostic{file_, pos, std::move(message)});
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = list_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
  if (truncated_) {
    out.push_back(Diagnostic{
        file_, {}, "too many errors (more than " + std::to_string(kMaxErrors) + "); stopped"});
  }
  return out;
}

std::string JoinDiagnostics(const std::vector<Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) {
    if (!out.empty()) out += '\n';
    out += d.ToString();
  }
  return out;
}

}  // namespace smtp
