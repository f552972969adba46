#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddValidateCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("validate", "Load and check scenarios without running them");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("validate"); });
}

}  // namespace smtp::cli
