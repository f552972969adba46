// `smtp-harness completion bash|zsh`: prints a completion script generated
// from the commands' own definitions (completion_script.h). Hidden from the
// command list; the installed scripts under share/ are made with it.
#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/choice_option.h"
#include "harness/cli/commands.h"
#include "harness/cli/completion_script.h"

namespace smtp::cli {

void AddCompletionCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand("completion", "Print a shell completion script (bash or zsh)");
  cmd->group("");  // hidden: not a testing command
  auto shell = std::make_shared<std::string>();
  OneOf(cmd->add_option("shell", *shell, "the shell to complete for")->required(), {"bash", "zsh"});
  cmd->callback([&app, exit_status, shell] {
    std::cout << CompletionScript(app, *shell);
    *exit_status = kExitOk;
  });
}

void AddVersionFlags(CLI::App& app) {
  const std::string version = std::string("smtp-harness ") + SMTP_HARNESS_VERSION;
  for (CLI::App* sub : app.get_subcommands({})) sub->set_version_flag("--version", version);
}

}  // namespace smtp::cli
