// `--opt=` (an empty value after '=') as CLI11 should read it: the option
// with an empty value. CLI11 takes `--opt=` as `--opt` alone and gives it
// the next argument instead, so `serve --hostname= --once` greeted with
// "220 --once" and never stopped, and `--mode= --listen x` complained about
// '--listen'. Rewritten as the two arguments `--opt ""`, the value is empty
// (a choice option says "got ''"; `--starttls=` is `--starttls`).
// Arguments after "--" (grade's client command) are left alone.
#pragma once

#include <string>
#include <vector>

namespace smtp::cli {

std::vector<std::string> SplitEmptyValues(const std::vector<std::string>& args);

}  // namespace smtp::cli
