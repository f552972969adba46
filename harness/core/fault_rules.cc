#include "harness/core/fault_rules.h"

#include "harness/util/glob.h"

namespace smtp {

Result<std::shared_ptr<RuleBook>> RuleBook::Create(std::vector<FaultRule> rules) {
  std::vector<Entry> entries;
  for (size_t i = 0; i < rules.size(); ++i) {
    Entry e;
    e.rule = std::move(rules[i]);
    const std::string& w = e.rule.when;
    if (w.size() >= 2 && w.front() == '/' && w.back() == '/') {
      e.is_regex = true;
      auto flags = std::regex::ECMAScript;
      if (e.rule.case_insensitive) flags |= std::regex::icase;
      try {
        e.regex = std::regex(w.substr(1, w.size() - 2), flags);
      } catch (const std::regex_error& err) {
        std::string where = e.rule.source_line > 0 ? "line " + std::to_string(e.rule.source_line)
                                                   : "rule " + std::to_string(i + 1);
        return Status::InvalidArgument(where + ": invalid regex " + w + ": " + err.what());
      }
    }
    entries.push_back(std::move(e));
  }
  return std::shared_ptr<RuleBook>(new RuleBook(std::move(entries)));
}

bool RuleBook::Matches(const Entry& e, std::string_view subject) {
  if (e.rule.when.empty()) return true;
  if (e.is_regex) return std::regex_search(subject.begin(), subject.end(), e.regex);
  return GlobMatch(e.rule.when, subject, e.rule.case_insensitive);
}

bool RuleBook::Has(FaultRule::On on) const {
  for (const auto& e : rules_) {
    if (e.rule.on == on) return true;
  }
  return false;
}

const FaultRule* RuleBook::Match(FaultRule::On on, std::string_view subject) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : rules_) {
    if (e.rule.on != on || !Matches(e, subject)) continue;
    int n = ++e.matches;
    if (e.rule.times > 0 && n > e.rule.times) continue;
    if (e.rule.nth > 0 && n != e.rule.nth) continue;
    return &e.rule;
  }
  return nullptr;
}

}  // namespace smtp
