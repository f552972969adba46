#include "harness/cli/choice_option.h"

#include <CLI/CLI.hpp>

#include "harness/util/alternatives.h"
#include "harness/util/ascii.h"

namespace smtp::cli {

CLI::Option* OneOf(CLI::Option* option, std::vector<std::string> values, LetterCase letter_case) {
  std::string description = "{";
  for (size_t i = 0; i < values.size(); ++i) description += (i ? "," : "") + values[i];
  description += "}";
  const bool value_optional = option->get_expected_min() == 0;
  CLI::Validator validator(
      [values = std::move(values), letter_case, value_optional](std::string& value) {
        if (value.empty() && value_optional) return std::string();
        for (const auto& allowed : values) {
          if (value == allowed ||
              (letter_case == LetterCase::kIgnore && Upper(value) == Upper(allowed))) {
            value = allowed;
            return std::string();
          }
        }
        return "expected " + AlternativesText(values) + ", got '" + value + "'";
      },
      description);
  return option->transform(validator);
}

}  // namespace smtp::cli
