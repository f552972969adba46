#include "harness/core/fault_rules.h"

#include "harness/core/command.h"
#include "harness/util/glob.h"

namespace smtp {
namespace {

// "MAIL FROM:<a@b> SIZE=10" -> "MAIL FROM:<a@b>": a MAIL or RCPT line up to
// the '>' that closes its path (quoted local parts may hold '>'); nullopt
// for other commands and for lines without parameters.
std::optional<std::string_view> WithoutParameters(std::string_view line) {
  if (!HasVerb(line, "MAIL") && !HasVerb(line, "RCPT")) return std::nullopt;
  size_t open = line.find('<');
  if (open == std::string_view::npos) return std::nullopt;
  bool quoted = false;
  for (size_t i = open + 1; i < line.size(); ++i) {
    char c = line[i];
    if (quoted && c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == '>' && !quoted) {
      if (i + 1 >= line.size()) return std::nullopt;
      return line.substr(0, i + 1);
    }
  }
  return std::nullopt;
}

std::string Where(const FaultRule& rule, size_t index) {
  return rule.source_line > 0 ? "line " + std::to_string(rule.source_line)
                              : "rule " + std::to_string(index + 1);
}

}  // namespace

Result<std::shared_ptr<RuleBook>> RuleBook::Create(std::vector<FaultRule> rules) {
  std::vector<Entry> entries;
  for (size_t i = 0; i < rules.size(); ++i) {
    Entry e;
    e.rule = std::move(rules[i]);
    const std::string& w = e.rule.when;
    if (w.size() >= 2 && w.front() == '/' && w.back() == '/') {
      unsigned flags = Regex::kMultiline;
      if (e.rule.on == FaultRule::On::kMessage) flags |= Regex::kAnyCrlf;  // raw CRLF data
      if (e.rule.case_insensitive) flags |= Regex::kCaseless;
      auto re = Regex::Compile(std::string_view(w).substr(1, w.size() - 2), flags);
      if (!re.ok()) {
        return Status::InvalidArgument(Where(e.rule, i) + ": invalid regex " + w + ": " +
                                       re.status().message());
      }
      e.regex = std::move(*re);
    }
    entries.push_back(std::move(e));
  }
  return std::shared_ptr<RuleBook>(new RuleBook(std::move(entries)));
}

Result<bool> RuleBook::Matches(const Entry& e, std::string_view subject) {
  if (e.rule.when.empty()) return true;
  if (e.regex) return e.regex->Search(subject);
  if (GlobMatch(e.rule.when, subject, e.rule.case_insensitive)) return true;
  if (e.rule.on != FaultRule::On::kCommand) return false;
  auto path = WithoutParameters(subject);
  return path && GlobMatch(e.rule.when, *path, e.rule.case_insensitive);
}

bool RuleBook::Has(FaultRule::On on) const {
  for (const auto& e : rules_) {
    if (e.rule.on == on) return true;
  }
  return false;
}

const FaultRule* RuleBook::LimitRule(size_t index, const std::string& why) {
  std::string reason = why.substr(0, why.find(';'));
  auto& slot = limit_rules_[{index, reason}];
  if (!slot) {
    const FaultRule& rule = rules_[index].rule;
    slot = std::make_unique<FaultRule>();
    slot->on = rule.on;
    slot->source_line = rule.source_line;
    std::string text =
        "smtp-harness: the rule at " + Where(rule, index) + " cannot be applied: " + reason;
    if (rule.on == FaultRule::On::kConnect) {
      slot->reply = "421 4.3.0 " + text;
      slot->action = FaultRule::Action::kDisconnect;
    } else {
      slot->reply = "451 4.3.0 " + text;
    }
  }
  return slot.get();
}

const FaultRule* RuleBook::Match(FaultRule::On on, std::string_view subject) {
  // Matching (up to a regex's time limit) runs outside the lock: the rules
  // and their regexes never change, only the counters do.
  std::vector<std::optional<Result<bool>>> matched(rules_.size());
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (rules_[i].rule.on == on) matched[i] = Matches(rules_[i], subject);
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (!matched[i]) continue;
    if (!matched[i]->ok()) return LimitRule(i, matched[i]->status().message());
    if (!**matched[i]) continue;
    Entry& e = rules_[i];
    int n = ++e.matches;
    if (e.rule.times > 0 && n > e.rule.times) continue;
    if (e.rule.nth > 0 && n != e.rule.nth) continue;
    return &e.rule;
  }
  return nullptr;
}

}  // namespace smtp
