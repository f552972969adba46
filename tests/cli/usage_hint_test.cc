// The did-you-mean hints for a mistyped command line (usage_hint.h), on the
// real command definitions.
#include "harness/cli/usage_hint.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"

namespace smtp::cli {
namespace {

struct Cli {
  CLI::App app{"smtp-harness", "smtp-harness"};
  int exit_status = 0;
  Cli() {
    AddRunCommand(app, &exit_status);
    AddReportCommand(app, &exit_status);
    AddCompletionCommand(app, &exit_status);
  }
};

TEST(UsageHint, UnknownCommandListsTheVisibleCommands) {
  Cli cli;
  // `completion` is hidden: not listed, though it is a command.
  EXPECT_EQ(UsageHint(cli.app, {"frobnicate"}),
            "unknown command 'frobnicate'\ncommands: run, report (smtp-harness COMMAND --help)");
  EXPECT_EQ(UsageHint(cli.app, {"reprot", "r.json"}),
            "unknown command 'reprot'; did you mean 'report'?\n"
            "commands: run, report (smtp-harness COMMAND --help)");
}

TEST(UsageHint, AFlagTakesNoValue) {
  Cli cli;
  // -v is a flag: the word after it is the next option, still checked.
  EXPECT_EQ(UsageHint(cli.app, {"run", "x.yaml", "-v", "--filtr", "a*"}),
            "run: unknown option '--filtr'; did you mean '--filter'?\n"
            "(smtp-harness run --help lists its options)");
  // An option's value is skipped, even when it looks like an option.
  EXPECT_EQ(UsageHint(cli.app, {"run", "x.yaml", "--filter", "--x"}), "");
}

}  // namespace
}  // namespace smtp::cli
