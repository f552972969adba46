#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddServeCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("serve", "Run the fake SMTP server standalone (default 127.0.0.1:1025)");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("serve"); });
}

}  // namespace smtp::cli
