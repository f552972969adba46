#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {

void AddSendCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("send", "Send one message with the built-in SMTP client");
  cmd->allow_extras();
  cmd->callback([exit_status] { *exit_status = NotYetImplemented("send"); });
}

}  // namespace smtp::cli
