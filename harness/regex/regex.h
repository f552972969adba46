// Regex: the one regular-expression engine of smtp-harness (PCRE2), for
// reply matchers, server-mode matchers, `expect_data`, fault rules and the
// few fixed patterns of the code itself.
//
// Why PCRE2 and not the standard library's <regex>: libstdc++'s engine
// recurses once per character, so `[\s\S]*x` against a 100 KB reply overflows the stack and
// kills the process. PCRE2 keeps its backtracking state on the heap, and every
// match here runs under limits, so a pathological pattern or a huge input
// ends in an error that names the limit, never a crash or a hang:
//   - match limit: backtracking steps at one start position (kMatchLimit),
//   - depth limit: nested backtracking points (kDepthLimit),
//   - heap limit: memory for backtracking (kHeapLimitKiB),
//   - time limit: the whole search, over all start positions (kTimeLimit);
//     PCRE2 resets its match limit at each start position, so `(\w|\s)*!`
//     over 1 MiB would otherwise run for hours.
// Patterns are JIT-compiled where the platform supports it, and texts up to
// kRegexJitMaxSubject bytes are searched with the JIT; longer ones with
// PCRE2's interpreter, whose start-of-match shortcuts (a required character
// that is absent ends the search at once) survive the time-limit hook, where
// the JIT's do not. A JIT stack overflow also falls back to the interpreter.
//
// The flavour: Perl/PCRE2 syntax in UTF-8 mode (subjects need not be valid
// UTF-8), `\d`/`\w`/`\s` ASCII only, newline = LF (kAnyCrlf: LF, CR or
// CRLF). With kMultiline `^`/`$` match at line boundaries; `\A` and `\z`
// always anchor the whole subject.
//
// A Regex is immutable and cheap to copy (shared); Search may be called from
// any number of threads at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/util/status.h"

namespace smtp {

inline constexpr uint32_t kRegexMatchLimit = 1'000'000;
inline constexpr uint32_t kRegexDepthLimit = 1'000'000;
inline constexpr uint32_t kRegexHeapLimitKiB = 64 * 1024;  // 64 MiB
inline constexpr std::chrono::milliseconds kRegexTimeLimit{1000};
inline constexpr size_t kRegexJitMaxSubject = 64 * 1024;

class Regex {
 public:
  enum Flags : unsigned {
    kNone = 0,
    kCaseless = 1u << 0,   // (?i)
    kMultiline = 1u << 1,  // (?m): ^ and $ at line boundaries
    kAnyCrlf = 1u << 2,    // CR and CRLF end lines too (raw message data)
  };

  // Where and why a pattern does not compile.
  struct CompileError {
    size_t offset = 0;  // byte offset into the pattern
    std::string message;
  };

  // Compiles `pattern`. On failure the status message reads
  // "<PCRE2's reason> at offset N" and, when `error` is given, it is filled.
  static Result<Regex> Compile(std::string_view pattern, unsigned flags = kNone,
                               CompileError* error = nullptr);

  // True when the pattern is found in `subject`. A non-ok status means a
  // limit was hit (the message names it); it is neither a match nor a miss.
  Result<bool> Search(std::string_view subject) const;

  // The text of capture group `group` of the first match (empty when the
  // group did not take part in it); nullopt when the pattern is not found.
  Result<std::optional<std::string>> SearchGroup(std::string_view subject, int group) const;

  // One match: where it is in the subject and its capture groups (group 0
  // is the whole match; a group that did not take part is nullopt).
  struct Match {
    size_t begin = 0;
    size_t end = 0;
    std::vector<std::optional<std::string>> groups;
  };

  // The first match that starts at or after byte `from`; nullopt when there
  // is none. To walk every match, call again from the previous match's end
  // (one past it when the match was empty). Each call is one search under
  // the limits above.
  Result<std::optional<Match>> Find(std::string_view subject, size_t from = 0) const;

  int capture_count() const;
  const std::string& pattern() const;
  bool jit() const;  // JIT-compiled (else interpreted)

  // `text` with every ASCII punctuation character backslash-escaped, so it
  // matches literally inside a pattern.
  static std::string Escape(std::string_view text);

 private:
  struct Impl;
  explicit Regex(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  Result<bool> Run(std::string_view subject, size_t from, int group,
                   std::optional<std::string>* out, Match* match) const;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace smtp
