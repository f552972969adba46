#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddRunCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("run", "Run scenario files, or every *.yaml under directories, in name order");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("run"); });
}

}  // namespace smtp::cli
