// Options with a fixed set of values (choice_option.h), on the real command
// definitions: each refuses another value with one line naming what it
// takes, and the completion scripts offer the same values.
#include "harness/cli/choice_option.h"

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include "harness/cli/commands.h"
#include "harness/cli/completion_script.h"

namespace smtp::cli {
namespace {

struct Cli {
  CLI::App app{"smtp-harness", "smtp-harness"};
  int exit_status = 0;
  Cli() { AddAllCommands(app, &exit_status); }
};

struct FixedValues {
  std::string command, option;
  std::vector<std::string> values;
  std::string expected;  // as the error says it
};

// Every option of every command that takes one of a fixed set of values.
const FixedValues kFixed[] = {
    {"run", "--gradescope-format", {"text", "html"}, "text or html"},
    {"grade", "--gradescope-format", {"text", "html"}, "text or html"},
    {"grade",
     "--client-isolation",
     {"auto", "namespace", "subreaper"},
     "auto, namespace or subreaper"},
    {"serve",
     "--bare-newlines",
     {"reject", "disconnect", "normalize", "lax"},
     "reject, disconnect, normalize or lax"},
    {"record", "--mode", {"client", "server"}, "client or server"},
    {"record", "--generalise", {"exact", "volatile", "code"}, "exact, volatile or code"},
    {"send", "--auth-mechanism", {"PLAIN", "LOGIN"}, "PLAIN or LOGIN"},
    {"send", "--starttls", {"always", "auto", "never"}, "always, auto or never"},
};

std::string Join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + v[i];
  return s;
}

TEST(ChoiceOption, AnotherValueIsRefusedInOneLineNamingTheValues) {
  for (const auto& f : kFixed) {
    Cli cli;
    std::vector<std::string> args = {f.command, f.option + "=bogus"};
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
      cli.app.parse(args);
      ADD_FAILURE() << f.command << " " << f.option << " took 'bogus'";
    } catch (const CLI::ValidationError& e) {
      EXPECT_EQ(std::string(e.what()), f.option + ": expected " + f.expected + ", got 'bogus'");
    }
  }
}

// kFixed is complete: no other visible option shows a set of values.
TEST(ChoiceOption, TheTableHasEveryOptionWithFixedValues) {
  Cli cli;
  for (const CLI::App* sub : cli.app.get_subcommands({})) {
    for (const CLI::Option* opt : sub->get_options()) {
      if (opt->get_group().empty()) continue;  // hidden (load's --gradescope-format)
      if (!opt->nonpositional()) continue;     // completion's shell: its own test below
      if (opt->get_type_name().find(":{") == std::string::npos) continue;
      bool listed = false;
      for (const auto& f : kFixed) {
        listed = listed || (f.command == sub->get_name() && opt->check_name(f.option));
      }
      EXPECT_TRUE(listed) << sub->get_name() << " " << opt->get_name() << " "
                          << opt->get_type_name() << " is not in kFixed";
    }
  }
}

// The hidden `completion bash|zsh` takes its shell as the options take
// theirs: one line naming the two, --help shows them.
TEST(ChoiceOption, TheCompletionCommandTakesBashOrZsh) {
  for (const std::string shell : {"fish", "BASH", ""}) {
    Cli cli;
    try {
      cli.app.parse(std::vector<std::string>{shell, "completion"});
      ADD_FAILURE() << "completion took '" << shell << "'";
    } catch (const CLI::ValidationError& e) {
      EXPECT_EQ(std::string(e.what()), "shell: expected bash or zsh, got '" + shell + "'");
    }
  }
  Cli cli;
  const CLI::Option* opt = cli.app.get_subcommand("completion")->get_option("shell");
  EXPECT_NE(opt->get_type_name().find(":{bash,zsh}"), std::string::npos) << opt->get_type_name();
}

TEST(ChoiceOption, HelpAndTheCompletionScriptsShowTheValues) {
  Cli cli;
  const std::string bash = CompletionScript(cli.app, "bash");
  const std::string zsh = CompletionScript(cli.app, "zsh");
  for (const auto& f : kFixed) {
    const CLI::Option* opt = cli.app.get_subcommand(f.command)->get_option(f.option);
    EXPECT_NE(opt->get_type_name().find(":{" + Join(f.values, ",") + "}"), std::string::npos)
        << f.command << " " << f.option << ": " << opt->get_type_name();
    EXPECT_NE(bash.find("\"" + f.command + " " + f.option + "=\") COMPREPLY=($(compgen -W \"" +
                        Join(f.values, " ") + "\""),
              std::string::npos)
        << f.command << " " << f.option;
    std::string zsh_values = ":value:(" + Join(f.values, " ") + ")'";
    size_t at = zsh.find("'" + f.option);
    ASSERT_NE(at, std::string::npos) << f.option;
    EXPECT_NE(zsh.find(zsh_values, at), std::string::npos) << f.command << " " << f.option;
  }
}

// The helper itself: a listed value in another case becomes the listed one
// with LetterCase::kIgnore; an optional value may be left out.
TEST(ChoiceOption, LetterCaseAndOptionalValues) {
  CLI::App app;
  std::string mechanism, when;
  OneOf(app.add_option("--mechanism", mechanism), {"PLAIN", "LOGIN"}, LetterCase::kIgnore);
  OneOf(app.add_option("--when", when)->expected(0, 1), {"always", "auto"});
  app.parse(std::vector<std::string>{"--when", "--mechanism=login"});
  EXPECT_EQ(mechanism, "LOGIN");
  EXPECT_EQ(app.get_option("--when")->count(), 1u);
  EXPECT_EQ(when, "");

  CLI::App exact;
  std::string mode;
  OneOf(exact.add_option("--mode", mode), {"client", "server"});
  EXPECT_THROW(exact.parse(std::vector<std::string>{"--mode=Client"}), CLI::ValidationError);
  exact.parse(std::vector<std::string>{"--mode=server"});
  EXPECT_EQ(mode, "server");
}

}  // namespace
}  // namespace smtp::cli
