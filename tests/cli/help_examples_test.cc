// Every command's --help ends with examples (help_examples.cc), and they are
// real command lines: the command and every flag they use exist, and the
// scenario paths they name are in the tree. The man pages carry the same
// text (help2man), so a renamed flag cannot leave a stale example anywhere.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <sstream>

#include "harness/cli/commands.h"

namespace smtp::cli {
namespace {

struct Cli {
  CLI::App app{"smtp-harness", "smtp-harness"};
  int exit_status = 0;
  Cli() { AddAllCommands(app, &exit_status); }
};

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Checks one `smtp-harness CMD ...` command line (up to a pipe or `--`).
void CheckCommandLine(CLI::App& app, const std::vector<std::string>& words, size_t start,
                      const std::string& where) {
  ASSERT_LT(start + 1, words.size()) << where;
  CLI::App* cmd = nullptr;
  for (CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == words[start + 1]) cmd = sub;
  }
  ASSERT_NE(cmd, nullptr) << where << ": no command " << words[start + 1];
  for (size_t i = start + 2; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "|" || w == "--" || w == ">") break;
    if (w.size() > 1 && w[0] == '-') {
      EXPECT_NE(cmd->get_option_no_throw(w.substr(0, w.find('='))), nullptr)
          << where << ": " << cmd->get_name() << " has no option " << w;
    } else if (w.rfind("scenarios/", 0) == 0) {
      EXPECT_TRUE(std::filesystem::exists(std::string(SMTP_HARNESS_SOURCE_DIR) + "/" + w))
          << where << ": " << w << " does not exist";
    }
  }
}

TEST(HelpExamples, EveryVisibleCommandHasRealExamples) {
  Cli cli;
  for (CLI::App* sub : cli.app.get_subcommands({})) {
    if (sub->get_group().empty()) continue;  // hidden (completion)
    const std::string footer = sub->get_footer();
    ASSERT_EQ(footer.rfind("Examples:\n", 0), 0u) << sub->get_name() << ": " << footer;
    int commands = 0;
    std::istringstream lines(footer);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("    smtp-harness ", 0) != 0) continue;
      std::vector<std::string> words = Words(line);
      bool uses_it = false;  // the command itself (a pipe may start with another)
      for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] != "smtp-harness") continue;
        CheckCommandLine(cli.app, words, i, line);
        uses_it = uses_it || (i + 1 < words.size() && words[i + 1] == sub->get_name());
      }
      EXPECT_TRUE(uses_it) << sub->get_name() << ": " << line;
      ++commands;
    }
    EXPECT_GE(commands, 1) << sub->get_name();
  }
}

}  // namespace
}  // namespace smtp::cli
