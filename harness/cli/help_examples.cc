// Examples at the top of every command's --help footer, in one table so the
// commands' own files stay about their flags. The man pages (help2man) are
// made from --help, so they carry these too.
#include <CLI/CLI.hpp>
#include <map>
#include <string>

#include "harness/cli/commands.h"

namespace smtp::cli {

namespace {

// Each example is a line saying what it does, then the command on one line
// indented deeper: help2man keeps that shape in the man page's EXAMPLES
// (continuation lines and aligned comments it would run together).
const std::map<std::string, std::string>& Examples() {
  static const std::map<std::string, std::string> kExamples = {
      {"run",
       "Examples:\n"
       "  One scenario against the built-in fake server:\n"
       "    smtp-harness run scenarios/basic_send.yaml\n"
       "  A directory against a real server, 4 at a time, with a JUnit report:\n"
       "    smtp-harness run scenarios/rfc5321 --target smtp://127.0.0.1:2525 -j 4 --junit j.xml\n"
       "  Only the STARTTLS scenarios, with their transcripts and an HTML report:\n"
       "    smtp-harness run scenarios/ --filter 'starttls*' -v --html report.html"},
      {"validate",
       "Examples:\n"
       "  Every *.yaml and *.yml below a directory:\n"
       "    smtp-harness validate scenarios/\n"
       "  One file; errors as file:line:col: message:\n"
       "    smtp-harness validate scenarios/basic_send.yaml"},
      {"send",
       "Examples:\n"
       "  A short message to a local server:\n"
       "    smtp-harness send --server 127.0.0.1:2525 --from a@example.test --to b@example.test "
       "--subject hi --body hello\n"
       "  With an attachment, over STARTTLS (self-signed certificate), outcome as JSON:\n"
       "    smtp-harness send --server 127.0.0.1:2525 --from a@example.test --to b@example.test "
       "--attach report.pdf --starttls --insecure --json"},
      {"serve",
       "Examples:\n"
       "  On 127.0.0.1:1025, each message printed on standard output:\n"
       "    smtp-harness serve\n"
       "  Keep the messages in a directory and show every session:\n"
       "    smtp-harness serve --listen 127.0.0.1:2525 --maildir /tmp/mail -v\n"
       "  The server: block of a YAML file (AUTH, TLS, rules), for one session:\n"
       "    smtp-harness serve --config server.yaml --once"},
      {"grade",
       "Examples:\n"
       "  Grade a student's client on a free port, with a Gradescope report:\n"
       "    smtp-harness grade scenarios/lab/lab_strict.yaml --port 0 --gradescope results.json "
       "-- python3 smtp_client.py"},
      {"record",
       "Examples:\n"
       "  Put the proxy between a client and a real server; replay it later with run:\n"
       "    smtp-harness record --listen 127.0.0.1:1025 --upstream smtp://127.0.0.1:2525 "
       "--out session.yaml\n"
       "  Record a server-mode scenario, to grade clients against what the server said:\n"
       "    smtp-harness record --upstream smtp://127.0.0.1:2525 --mode server --out golden.yaml"},
      {"load",
       "Examples:\n"
       "  1000 sessions, 20 at a time, against the built-in fake server:\n"
       "    smtp-harness load scenarios/basic_send.yaml --sessions 1000 --concurrency 20\n"
       "  30 seconds at 200 sessions a second against a real server:\n"
       "    smtp-harness load scenarios/basic_send.yaml --duration 30s --rate 200 "
       "--target smtp://127.0.0.1:2525"},
      {"report",
       "Examples:\n"
       "  Render a saved report of run, grade or load:\n"
       "    smtp-harness report smtp-harness-report.json --html report.html\n"
       "  From standard input to standard output:\n"
       "    smtp-harness run scenarios/ --report - | smtp-harness report - --html - > report.html"},
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
