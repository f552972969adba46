#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddGradeCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("grade", "Server mode: serve a scenario, run a client command, verify it");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("grade"); });
}

}  // namespace smtp::cli
