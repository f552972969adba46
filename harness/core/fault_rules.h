// RuleBook: decides which `rules:` entry (FakeServerConfig::rules) applies to
// a command line, a new connection or a finished message. No I/O.
//
// Rules are tried in order; the first whose `when` matches AND whose
// `times`/`nth` still allow it decides. Every rule whose `when` matched counts
// that match, even when it did not apply, so `nth: 3` means "the third
// matching line". Counters live in the RuleBook, which a server shares between
// all its sessions (greylisting: first attempt 450, retry accepted), so Match
// is thread-safe.
//
// `when` is a glob, or /regex/ searched in the subject (PCRE2, multiline:
// ^ and $ at line boundaries; harness/regex/regex.h). An empty `when` matches
// everything. Subjects: the command line for kCommand, the peer address
// ("127.0.0.1:40000") for kConnect, the message data for kMessage.
//
// A glob on a command matches the whole line, or, for MAIL and RCPT, the
// line without its ESMTP parameters: `MAIL FROM:<bad@*>` fires for
// `MAIL FROM:<bad@x.test> SIZE=229` as real clients send it, and
// `MAIL FROM:<*> SIZE=*` only for a line that has a SIZE parameter.
//
// A regex that hits a limit (a huge message, a pathological pattern) cannot
// say whether its rule applies; Match then returns a stand-in rule that
// answers 451 (421 at connect) naming the rule's line and the limit, so the
// problem shows in the conversation instead of the rule silently not firing.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "harness/core/server_config.h"
#include "harness/regex/regex.h"
#include "harness/util/status.h"

namespace smtp {

class RuleBook {
 public:
  // Fails when a /regex/ does not compile (the message names the rule).
  // Each regex is compiled here, once.
  static Result<std::shared_ptr<RuleBook>> Create(std::vector<FaultRule> rules);

  // The rule that applies to `subject`, or nullptr. Counts the match.
  const FaultRule* Match(FaultRule::On on, std::string_view subject);

  bool empty() const { return rules_.empty(); }
  // True if some rule of this kind exists (lets callers skip work).
  bool Has(FaultRule::On on) const;

 private:
  struct Entry {
    FaultRule rule;
    std::optional<Regex> regex;
    int matches = 0;
  };
  explicit RuleBook(std::vector<Entry> entries) : rules_(std::move(entries)) {}
  // True/false, or the regex's error when it hit a limit.
  static Result<bool> Matches(const Entry& e, std::string_view subject);
  const FaultRule* LimitRule(size_t index, const std::string& why);

  std::mutex mu_;
  std::vector<Entry> rules_;
  std::map<std::pair<size_t, std::string>, std::unique_ptr<FaultRule>> limit_rules_;
};

}  // namespace smtp
