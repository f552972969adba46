// The subcommands of smtp-harness. Each Add*Command registers its CLI11
// subcommand on `app`; when the user picks it, its callback runs and stores
// the process exit status in *exit_status. One command (or two close ones)
// per file, so main.cc stays a list.
#pragma once

namespace CLI {
class App;
}

namespace smtp::cli {

// Exit statuses shared by every command but `send` (SPEC §2).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;   // a scenario or check failed or errored
inline constexpr int kExitUsage = 2;    // usage error or invalid scenario file
inline constexpr int kExitHarness = 3;  // the harness could not work (bind, write report)

void AddRunCommand(CLI::App& app, int* exit_status);       // cmd_run.cc
void AddValidateCommand(CLI::App& app, int* exit_status);  // cmd_validate.cc
void AddSendCommand(CLI::App& app, int* exit_status);      // cmd_send.cc
void AddServeCommand(CLI::App& app, int* exit_status);     // cmd_serve.cc
void AddGradeCommand(CLI::App& app, int* exit_status);     // cmd_grade.cc
void AddRecordCommand(CLI::App& app, int* exit_status);    // cmd_record.cc
void AddLoadCommand(CLI::App& app, int* exit_status);      // cmd_load.cc
void AddReportCommand(CLI::App& app, int* exit_status);    // cmd_report.cc
// Hidden: `completion bash|zsh` (cmd_completion.cc), after all the others.
void AddCompletionCommand(CLI::App& app, int* exit_status);
// `--version` on every command (cmd_completion.cc); call last.
void AddVersionFlags(CLI::App& app);
// Examples in every command's --help footer (help_examples.cc); call last.
void AddHelpExamples(CLI::App& app);

// All of the above, in that order: what main.cc and the CLI tests build
// (commands.cc), so a new command is added in one place.
void AddAllCommands(CLI::App& app, int* exit_status);

}  // namespace smtp::cli
