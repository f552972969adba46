#include "harness/cli/commands.h"

namespace smtp::cli {

void AddAllCommands(CLI::App& app, int* exit_status) {
  AddRunCommand(app, exit_status);
  AddValidateCommand(app, exit_status);
  AddSendCommand(app, exit_status);
  AddServeCommand(app, exit_status);
  AddGradeCommand(app, exit_status);
  AddRecordCommand(app, exit_status);
  AddLoadCommand(app, exit_status);
  AddReportCommand(app, exit_status);
  AddCompletionCommand(app, exit_status);
  AddVersionFlags(app);
  AddHelpExamples(app);
}

}  // namespace smtp::cli
