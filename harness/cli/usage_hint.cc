#include "harness/cli/usage_hint.h"

#include <CLI/CLI.hpp>

#include "harness/util/edit_distance.h"

namespace smtp::cli {
namespace {

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool LooksLikeNumber(const std::string& arg) {
  return arg.size() > 1 && arg[0] == '-' &&
         (std::isdigit(static_cast<unsigned char>(arg[1])) || arg[1] == '.');
}

// The option names a subcommand takes, long ones as "--name", short as "-x".
std::vector<std::string> OptionNames(CLI::App& cmd, bool long_names) {
  std::vector<std::string> out;
  for (const CLI::Option* opt : cmd.get_options()) {
    for (const auto& n : long_names ? opt->get_lnames() : opt->get_snames()) {
      out.push_back((long_names ? "--" : "-") + n);
    }
  }
  return out;
}

std::string UnknownOption(CLI::App& cmd, const std::string& arg) {
  std::string prefix = cmd.get_name() + ": unknown option '";
  if (arg.rfind("--", 0) == 0) {
    std::string name = arg.substr(0, arg.find('='));
    if (cmd.get_option_no_throw(name)) return "";
    std::string near = NearestName(name, OptionNames(cmd, true));
    return prefix + name + "'" + (near.empty() ? "" : "; did you mean '" + near + "'?") +
           "\n(smtp-harness " + cmd.get_name() + " --help lists its options)";
  }
  // A short option, possibly with its value attached (-j4) or bundled (-vq).
  std::string name = arg.substr(0, 2);
  if (cmd.get_option_no_throw(name)) return "";
  return prefix + name + "'\n(smtp-harness " + cmd.get_name() + " --help lists its options)";
}

}  // namespace

std::string UsageHint(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<CLI::App*> subs = app.get_subcommands([](CLI::App*) { return true; });
  std::vector<std::string> commands;
  for (const CLI::App* sub : subs) {
    if (!sub->get_group().empty()) commands.push_back(sub->get_name());  // not hidden ones
  }
  size_t i = 0;
  while (i < args.size() && !args[i].empty() && args[i][0] == '-') {
    if (args[i] == "--") return "";
    if (!app.get_option_no_throw(args[i].substr(0, args[i].find('=')))) {
      std::string near = NearestName(args[i], {"--help", "--version"});
      return "unknown option '" + args[i] + "'" +
             (near.empty() ? "" : "; did you mean '" + near + "'?") +
             "\ncommands: " + Join(commands) + " (smtp-harness COMMAND --help)";
    }
    ++i;
  }
  if (i == args.size()) return "";
  CLI::App* cmd = nullptr;
  for (CLI::App* sub : subs) {
    if (sub->get_name() == args[i]) cmd = sub;
  }
  if (!cmd) {
    std::string near = NearestName(args[i], commands);
    return "unknown command '" + args[i] + "'" +
           (near.empty() ? "" : "; did you mean '" + near + "'?") +
           "\ncommands: " + Join(commands) + " (smtp-harness COMMAND --help)";
  }
  for (size_t j = i + 1; j < args.size(); ++j) {
    const std::string& a = args[j];
    if (a == "--") break;  // the rest is grade's client command
    if (a.size() < 2 || a[0] != '-' || LooksLikeNumber(a)) continue;
    std::string hint = UnknownOption(*cmd, a);
    if (!hint.empty()) return hint;
    // A known option that takes a value in the next word: skip the value.
    bool joined = a.find('=') != std::string::npos || (a[1] != '-' && a.size() > 2);
    const CLI::Option* opt = cmd->get_option_no_throw(a.substr(0, a.find('=')));
    if (opt && !joined && opt->get_expected_min() > 0) ++j;  // not after a flag (-v)
  }
  return "";
}

}  // namespace smtp::cli
