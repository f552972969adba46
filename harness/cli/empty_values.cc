#include "harness/cli/empty_values.h"

namespace smtp::cli {

std::vector<std::string> SplitEmptyValues(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  bool options = true;
  for (const auto& a : args) {
    if (a == "--") options = false;
    if (options && a.size() > 3 && a.starts_with("--") && a.find('=') == a.size() - 1) {
      out.push_back(a.substr(0, a.size() - 1));
      out.emplace_back();
      continue;
    }
    out.push_back(a);
  }
  return out;
}

}  // namespace smtp::cli
