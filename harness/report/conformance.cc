#include "harness/report/conformance.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace smtp {
namespace {

// Compares dotted section numbers numerically ("4.1.10" after "4.1.9").
bool SectionLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t ie = i, je = j;
      while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
      while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
      unsigned long long na = std::stoull(a.substr(i, std::min<size_t>(ie - i, 18)));
      unsigned long long nb = std::stoull(b.substr(j, std::min<size_t>(je - j, 18)));
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

struct SectionLessFn {
  bool operator()(const std::string& a, const std::string& b) const { return SectionLess(a, b); }
};

}  // namespace

void ConformanceCounts::Add(Verdict v) {
  switch (v) {
    case Verdict::kPassed:
      ++passed;
      break;
    case Verdict::kFailed:
      ++failed;
      break;
    case Verdict::kError:
      ++errors;
      break;
    case Verdict::kSkipped:
      ++skipped;
      break;
    case Verdict::kNotRun:
      break;
  }
}

std::pair<std::string, std::string> SplitRfcReference(const std::string& ref) {
  std::string s = ref;
  auto trim = [](std::string& t) {
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.front()))) t.erase(0, 1);
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
  };
  trim(s);
  if (s.size() >= 3 && (s[0] == 'R' || s[0] == 'r') && (s[1] == 'F' || s[1] == 'f') &&
      (s[2] == 'C' || s[2] == 'c')) {
    s.erase(0, 3);
    trim(s);
  }
  size_t i = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  std::string rfc = s.substr(0, i);
  std::string section = s.substr(i);
  while (!section.empty() && (std::isspace(static_cast<unsigned char>(section.front())) ||
                              section.front() == '#' || section.front() == ',')) {
    section.erase(0, 1);
  }
  if (section.rfind("\xC2\xA7", 0) == 0) section.erase(0, 2);  // §
  trim(section);
  if (rfc.empty()) return {s, ""};
  return {rfc, section};
}

std::vector<ConformanceRfc> SummarizeConformance(const RunResult& run) {
  std::map<std::string, std::map<std::string, ConformanceSection, SectionLessFn>, SectionLessFn>
      by_rfc;
  std::map<std::string, ConformanceCounts> rfc_counts;
  for (const auto& sc : run.scenarios) {
    if (sc.status == Verdict::kNotRun) continue;
    std::set<std::string> rfcs_seen;
    std::set<std::pair<std::string, std::string>> seen;
    for (const auto& ref : sc.rfc) {
      auto [rfc, section] = SplitRfcReference(ref);
      if (!seen.insert({rfc, section}).second) continue;
      auto& sec = by_rfc[rfc][section];
      sec.section = section;
      sec.counts.Add(sc.status);
      sec.scenarios.push_back(sc.name);
      if (sc.status == Verdict::kFailed || sc.status == Verdict::kError) {
        sec.failing.push_back(sc.name);
      }
      if (rfcs_seen.insert(rfc).second) rfc_counts[rfc].Add(sc.status);
    }
  }
  std::vector<ConformanceRfc> out;
  for (auto& [rfc, sections] : by_rfc) {
    ConformanceRfc r;
    r.rfc = rfc;
    r.counts = rfc_counts[rfc];
    for (auto& [name, sec] : sections) r.sections.push_back(std::move(sec));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace smtp
