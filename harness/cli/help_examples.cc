// Examples at the top of every command's --help footer, in one table so the
// commands' own files stay about their flags. The man pages (help2man) are
// made from --help, so they carry these too.
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "harness/cli/commands.h"

namespace smtp::cli {

namespace {

const std::map<std::string, std::string>& Examples() {
  static const std::map<std::string, std::string> kExamples = {
      {"run",
       "Examples:\n"
       "  smtp-harness run scenarios/basic_send.yaml          # against the built-in fake server\n"
       "  smtp-harness run scenarios/rfc5321 --target smtp://127.0.0.1:2525 -j 4 --junit j.xml\n"
       "  smtp-harness run scenarios/ --filter 'starttls*' -v"},
      {"validate",
       "Examples:\n"
       "  smtp-harness validate scenarios/                    # every *.yaml/*.yml below\n"
       "  smtp-harness validate my_scenario.yaml              # errors as file:line:col: message"},
      {"send",
       "Examples:\n"
       "  smtp-harness send --server 127.0.0.1:2525 --from a@example.test --to b@example.test \\\n"
       "      --subject hi --body 'hello'\n"
       "  smtp-harness send --server 127.0.0.1:2525 --from a@example.test --to b@example.test \\\n"
       "      --attach report.pdf --starttls --insecure --json"},
      {"serve",
       "Examples:\n"
       "  smtp-harness serve                                  # 127.0.0.1:1025, messages on "
       "stdout\n"
       "  smtp-harness serve --listen 127.0.0.1:2525 --maildir /tmp/mail -v\n"
       "  smtp-harness serve --config server.yaml --once"},
      {"record",
       "Examples:\n"
       "  smtp-harness record --listen 127.0.0.1:1025 --upstream smtp://127.0.0.1:2525 \\\n"
       "      --out session.yaml\n"
       "  smtp-harness record --upstream smtp://127.0.0.1:2525 --mode server --out golden.yaml"},
      {"load",
       "Examples:\n"
       "  smtp-harness load scenarios/basic_send.yaml --sessions 1000 --concurrency 20\n"
       "  smtp-harness load scenarios/basic_send.yaml --duration 30s --rate 200 \\\n"
       "      --target smtp://127.0.0.1:2525"},
  };
  return kExamples;
}

}  // namespace

void AddHelpExamples(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    auto it = Examples().find(sub->get_name());
    if (it == Examples().end()) continue;
    std::string footer = sub->get_footer();
    sub->footer(it->second + (footer.empty() ? "" : "\n" + footer));
  }
}

}  // namespace smtp::cli
