// An option that takes one of a fixed set of values (`serve --bare-newlines
// reject|disconnect|normalize|lax`). The list is given once, next to the code
// that turns the value into a setting, and everything reads it from the
// option: CLI11 refuses any other value with one line ("--mode: expected
// client or server, got 'x'"; main.cc prefixes the command), --help and the
// man pages show it ("TEXT:{client,server}"), and the completion scripts
// offer it (completion_script.cc reads the same "{...}").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class Option;
}

namespace smtp::cli {

enum class LetterCase { kExact, kIgnore };

// Restricts `option` to `values` and returns it. With LetterCase::kIgnore,
// "plain" is accepted and stored as the listed "PLAIN". An option whose
// value is optional (`--starttls[=auto]`: call expected(0, 1) first) may
// still be given without one.
CLI::Option* OneOf(CLI::Option* option, std::vector<std::string> values,
                   LetterCase letter_case = LetterCase::kExact);

// A value as typed on the command line and the setting it stands for; a
// command lists its choices once as an array of these.
template <typename T>
struct Choice {
  const char* name;
  T value;
};

// The names of `choices`, in order: what OneOf takes.
template <typename T, size_t N>
std::vector<std::string> ChoiceNames(const Choice<T> (&choices)[N]) {
  std::vector<std::string> out;
  for (const auto& c : choices) out.push_back(c.name);
  return out;
}

// The setting `name` stands for; `otherwise` for a name not listed (none
// given; OneOf has refused any other).
template <typename T, size_t N>
T ChoiceValue(const Choice<T> (&choices)[N], std::string_view name, T otherwise) {
  for (const auto& c : choices) {
    if (name == c.name) return c.value;
  }
  return otherwise;
}

}  // namespace smtp::cli
