#include "harness/cli/invocation.h"

namespace smtp::cli {
namespace {

std::string& Stored() {
  static std::string invocation;
  return invocation;
}

std::string ShellQuote(const std::string& arg) {
  if (arg.empty()) return "''";
  bool plain = true;
  for (char c : arg) {
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                std::string_view("-_./=:,+@%").find(c) != std::string_view::npos;
    plain = plain && safe;
  }
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

}  // namespace

void SetInvocation(int argc, const char* const* argv) {
  std::string s = "smtp-harness";
  for (int i = 1; i < argc; ++i) {
    s += ' ';
    s += ShellQuote(argv[i]);
  }
  Stored() = s;
}

const std::string& Invocation() { return Stored(); }

}  // namespace smtp::cli
