// YamlReader: typed, positioned access to a parsed YAML document for the
// scenario loader. Every accessor reports a problem to Diagnostics (with the
// node's position) and returns nullopt instead of throwing, so one pass finds
// all errors of a file. Internal to harness/scenario (yaml-cpp stays here).
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/scenario/diagnostics.h"
#include "harness/scenario/matcher_regex.h"
#include "harness/util/duration.h"

namespace smtp {

// Limits that keep hostile files cheap: size, nesting, regex length.
inline constexpr size_t kMaxScenarioBytes = 8 * 1024 * 1024;
inline constexpr int kMaxNesting = 64;
// yaml-cpp spends ~500 bytes per node; this keeps a document under ~50 MB.
inline constexpr long kMaxYamlNodes = 100'000;
inline constexpr size_t kMaxRegexLength = 2000;

// yaml-cpp places an empty value (`send:`) at the next token, often on the
// next line; errors about it should point at its key instead.
using NullKeyMarks = std::vector<std::pair<YAML::Node, YAML::Mark>>;

// Parses `text` into a document. On failure (binary input, too large, too
// deep, a YAML syntax error) reports it, positioned, and returns nullopt.
// Fills `null_keys` with the key position of every empty value.
std::optional<YAML::Node> ParseYamlDocument(const std::string& text, Diagnostics& diag,
                                            NullKeyMarks* null_keys = nullptr);

class YamlReader {
 public:
  explicit YamlReader(Diagnostics& diag, const NullKeyMarks* null_keys = nullptr)
      : diag_(diag), null_keys_(null_keys) {}

  Diagnostics& diag() { return diag_; }
  static SourcePos Pos(const YAML::Node& node);
  void Error(const YAML::Node& node, std::string message);
  void Error(SourcePos pos, std::string message) { diag_.Add(pos, std::move(message)); }

  // "a mapping", "a list", "a string", "nothing".
  static std::string Describe(const YAML::Node& node);

  // Reports keys of `map` not in `allowed` (with a did-you-mean), duplicate
  // keys and non-string keys. `where` names the block: "step", "server".
  void CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed,
                 std::string_view where);

  bool ExpectMap(const YAML::Node& node, std::string_view what);
  bool ExpectSeq(const YAML::Node& node, std::string_view what);

  std::optional<std::string> Str(const YAML::Node& node, std::string_view what);
  std::optional<bool> Bool(const YAML::Node& node, std::string_view what);
  std::optional<long long> Int(const YAML::Node& node, std::string_view what, long long min,
                               long long max);
  std::optional<double> Number(const YAML::Node& node, std::string_view what, double min);
  std::optional<Duration> Dur(const YAML::Node& node, std::string_view what);
  // A timeout: a duration greater than zero (`--timeout 0` is refused alike).
  std::optional<Duration> Timeout(const YAML::Node& node, std::string_view what);
  // A list of strings; a single string is accepted as a list of one when
  // `allow_single`.
  std::optional<std::vector<std::string>> StrList(const YAML::Node& node, std::string_view what,
                                                  bool allow_single = true);
  // Checks a regex compiles (PCRE2, after ${var} references are replaced by
  // a placeholder); reports the error and its offset otherwise. When the
  // regex has no ${var} and `compiled` is given, stores it compiled, so it is
  // compiled once, at load.
  bool CheckRegex(const YAML::Node& node, const std::string& regex, std::string_view what,
                  int min_groups = 0, CompiledRegex* compiled = nullptr);

 private:
  SourcePos ErrorPos(const YAML::Node& node) const;

  Diagnostics& diag_;
  const NullKeyMarks* null_keys_;
};

// The allowed key closest to `key` by edit distance, if close enough.
std::optional<std::string> Suggest(std::string_view key, const std::vector<std::string>& allowed);

}  // namespace smtp
