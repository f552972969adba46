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
// `when` is a glob on the whole subject, or /regex/ searched in it. An empty
// `when` matches everything. Subjects: the command line for kCommand, the
// peer address ("127.0.0.1:40000") for kConnect, the message data for kMessage.
#pragma once

#include <memory>
#include <mutex>
#include <regex>
#include <string_view>
#include <vector>

#include "harness/core/server_config.h"
#include "harness/util/status.h"

namespace smtp {

class RuleBook {
 public:
  // Fails when a /regex/ does not compile (the message names the rule).
  static Result<std::shared_ptr<RuleBook>> Create(std::vector<FaultRule> rules);

  // The rule that applies to `subject`, or nullptr. Counts the match.
  const FaultRule* Match(FaultRule::On on, std::string_view subject);

  bool empty() const { return rules_.empty(); }
  // True if some rule of this kind exists (lets callers skip work).
  bool Has(FaultRule::On on) const;

 private:
  struct Entry {
    FaultRule rule;
    bool is_regex = false;
    std::regex regex;
    int matches = 0;
  };
  explicit RuleBook(std::vector<Entry> entries) : rules_(std::move(entries)) {}
  static bool Matches(const Entry& e, std::string_view subject);

  std::mutex mu_;
  std::vector<Entry> rules_;
};

}  // namespace smtp
