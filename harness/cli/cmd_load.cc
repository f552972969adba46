#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddLoadCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("load", "Replay one client-mode scenario as many concurrent sessions");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("load"); });
}

}  // namespace smtp::cli
