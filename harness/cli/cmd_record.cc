#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddRecordCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("record", "Proxy a client to a real server and save the session as a scenario");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("record"); });
}

}  // namespace smtp::cli
