// smtp-harness: parse flags, hand over to a command, exit with its status.
#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/cli/empty_values.h"
#include "harness/cli/invocation.h"
#include "harness/cli/usage_hint.h"

int main(int argc, char** argv) {
  using namespace smtp::cli;
  SetInvocation(argc, argv);
  CLI::App app{
      "smtp-harness: scriptable SMTP test and conformance harness.\n"
      "YAML scenarios describe an SMTP conversation; `run` replays them against a server\n"
      "(the bundled fake server by default), `grade` checks an SMTP client instead.\n"
      "First try: smtp-harness run scenarios/basic_send.yaml",
      "smtp-harness"};
  app.set_version_flag("--version", std::string("smtp-harness ") + SMTP_HARNESS_VERSION);
  app.footer(
      "Each command's --help has examples (also: man smtp-harness-COMMAND).\n"
      "Shell completion: source <(smtp-harness completion bash)   (or zsh)");
  app.require_subcommand(1);
  app.fallthrough(false);

  int exit_status = kExitOk;
  AddAllCommands(app, &exit_status);

  const std::vector<std::string> args =
      SplitEmptyValues(std::vector<std::string>(argv + 1, argv + argc));
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 takes them last first
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ValidationError& e) {
    // A value an option does not take: one line naming the command, the
    // option and what it takes ("--mode: expected client or server, got 'x'").
    std::vector<CLI::App*> command = app.get_subcommands();
    std::cerr << "smtp-harness" << (command.empty() ? "" : " " + command.front()->get_name())
              << ": " << e.what() << "\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // Name what was probably meant (an unknown command or option).
    std::string hint = UsageHint(app, args);
    if (!hint.empty()) {
      std::cerr << "smtp-harness: " << hint << "\n";
      return kExitUsage;
    }
    // Else CLI11's reason, on one line naming the command as above
    // ("smtp-harness completion: shell is required").
    std::vector<CLI::App*> command = app.get_subcommands();
    std::cerr << "smtp-harness" << (command.empty() ? "" : " " + command.front()->get_name())
              << ": " << e.what() << "\n";
    return kExitUsage;
  }
  return exit_status;
}
