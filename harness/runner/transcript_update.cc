#include "harness/runner/transcript_update.h"

#include <fstream>
#include <sstream>

#include "harness/runner/line_diff.h"
#include "harness/scenario/transcript_writer.h"
#include "harness/util/glob.h"

namespace smtp {
namespace {

struct OldEntry {
  char dir = 0;      // 'C', 'S'; 0 for comments and blank lines
  std::string text;  // after "C: " / "S: "
  std::string raw;   // the line as written
};

OldEntry ParseOldLine(const std::string& line) {
  OldEntry e;
  e.raw = line;
  if (line.size() >= 2 && (line[0] == 'C' || line[0] == 'S') && line[1] == ':') {
    e.dir = line[0];
    e.text = line.substr(2);
    if (!e.text.empty() && e.text[0] == ' ') e.text.erase(0, 1);
  }
  return e;
}

bool IsBlank(const std::string& line) {
  return line.find_first_not_of(" \t\r") == std::string::npos;
}

}  // namespace

std::vector<std::string> UpdatedTranscriptLines(const std::vector<std::string>& old_lines,
                                                const Transcript& observed_all, bool run_completed,
                                                const ReplyLineGeneraliser& generalise) {
  std::vector<OldEntry> old;
  for (const auto& l : old_lines) old.push_back(ParseOldLine(l));
  std::vector<TranscriptEntry> obs;
  for (const auto& e : observed_all) {
    if (e.dir == 'C' || e.dir == 'S') obs.push_back(e);
  }
  std::vector<std::string> out;
  size_t oi = 0;
  // Comments and blank lines travel with the entry after them.
  auto flush_notes = [&] {
    while (oi < old.size() && old[oi].dir == 0) out.push_back(old[oi++].raw);
  };
  size_t ni = 0;
  while (ni < obs.size()) {
    flush_notes();
    if (obs[ni].dir == 'C') {
      if (oi < old.size() && old[oi].dir == 'C') {
        out.push_back(old[oi].text == obs[ni].text ? old[oi].raw : "C: " + obs[ni].text);
        ++oi;
      } else {
        out.push_back("C: " + obs[ni].text);
      }
      ++ni;
      continue;
    }
    // A reply: consecutive S lines, old and observed.
    size_t ne = ni;
    while (ne < obs.size() && obs[ne].dir == 'S') ++ne;
    size_t oe = oi;
    while (oe < old.size() && old[oe].dir == 'S') ++oe;
    size_t k = oe - oi, len = ne - ni;
    bool keep = k > 0 && k <= len;
    for (size_t x = 0; keep && x < k; ++x) {
      keep = GlobMatch(old[oi + x].text, obs[ne - k + x].text);
    }
    if (keep) {
      for (size_t x = oi; x < oe; ++x) out.push_back(old[x].raw);
    } else {
      for (size_t x = ni; x < ne; ++x) {
        out.push_back("S: " + (generalise ? generalise(obs[x].text) : obs[x].text));
      }
    }
    oi = oe;
    ni = ne;
  }
  if (!run_completed) {
    for (; oi < old.size(); ++oi) out.push_back(old[oi].raw);
  } else {
    flush_notes();
  }
  return out;
}

Result<TranscriptUpdate> UpdateTranscriptFile(const Scenario& scenario,
                                              const ScenarioResult& result,
                                              const ReplyLineGeneraliser& generalise) {
  std::ifstream in(scenario.file, std::ios::binary);
  if (!in) return Status::Io("cannot read " + scenario.file);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  bool trailing_newline = !text.empty() && text.back() == '\n';
  auto block = FindTranscriptBlock(text);
  if (!block.ok()) {
    return Status::InvalidArgument(scenario.file + ": --update needs a 'transcript: |' block (" +
                                   block.status().message() + ")");
  }
  const std::vector<std::string>& lines = block->lines;
  size_t first = block->first, last = block->last, block_indent = block->indent;
  std::vector<std::string> old_block;
  for (size_t i = first; i < last; ++i) {
    old_block.push_back(
        IsBlank(lines[i]) ? "" : lines[i].substr(std::min(block_indent, lines[i].size())));
  }
  // Every step ran (an --update run goes on past mismatches): the old lines
  // left over were not seen and go; otherwise they were not exercised.
  bool completed = result.status == Verdict::kPassed ||
                   (result.failure && result.failure->step < 0) ||
                   (!result.steps.empty() && result.steps.back().status != Verdict::kNotRun);
  std::vector<std::string> new_block =
      UpdatedTranscriptLines(old_block, result.transcript, completed, generalise);
  std::string pad(block_indent, ' ');
  std::vector<std::string> updated(lines.begin(), lines.begin() + static_cast<long>(first));
  for (const auto& l : new_block) updated.push_back(l.empty() ? "" : pad + l);
  updated.insert(updated.end(), lines.begin() + static_cast<long>(last), lines.end());

  TranscriptUpdate u;
  u.file = scenario.file;
  u.diff = UnifiedDiff(lines, updated, scenario.file, scenario.file + " (observed)");
  if (u.diff.empty()) return u;
  std::string out;
  for (size_t i = 0; i < updated.size(); ++i) {
    out += updated[i];
    if (i + 1 < updated.size() || trailing_newline) out += '\n';
  }
  std::ofstream w(scenario.file, std::ios::binary | std::ios::trunc);
  if (!w || !(w << out) || !w.flush()) return Status::Io("cannot write " + scenario.file);
  return u;
}

}  // namespace smtp
