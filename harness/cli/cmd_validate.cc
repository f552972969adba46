// `smtp-harness validate PATH...`: check scenarios without running them.
#include <CLI/CLI.hpp>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/scenario/scenario_validation.h"
#include "harness/scenario/var_expander.h"

namespace smtp::cli {

void AddValidateCommand(CLI::App& app, int* exit_status) {
  auto* cmd = app.add_subcommand(
      "validate",
      "Load and check scenarios without running them; errors as file:line:col: message");
  struct Options {
    std::vector<std::string> paths;
    std::vector<std::string> vars;
    bool allow_outside_files = false;
  };
  auto opts = std::make_shared<Options>();
  cmd->add_option("paths", opts->paths,
                  "Scenario files, or directories (every *.yaml and *.yml below)")
      ->required();
  cmd->add_option("--var", opts->vars, "KEY=VALUE: define a variable (repeatable)");
  cmd->add_flag("--allow-outside-files", opts->allow_outside_files,
                "accept data: {file} outside the scenario's folder (as run would with it)");
  cmd->callback([opts, exit_status] {
    LoadOptions options;
    options.allow_outside_files = opts->allow_outside_files;
    for (const auto& v : opts->vars) {
      auto kv = ParseVarAssignment(v);
      if (!kv.ok()) {
        std::cerr << "smtp-harness validate: " << kv.status().message() << "\n";
        *exit_status = kExitUsage;
        return;
      }
      options.vars[kv->first] = kv->second;
    }
    ValidationSummary s = ValidateScenarioPaths(opts->paths, options, std::cout, std::cerr);
    *exit_status = s.ok() ? kExitOk : kExitUsage;
  });
}

}  // namespace smtp::cli
