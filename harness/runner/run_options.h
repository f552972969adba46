// RunOptions: how `run` (and `grade`, `load`) run scenarios, whatever front
// end filled them (the CLI's common run options, tests). Plain data.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "harness/util/duration.h"

namespace smtp {

// What a `run` keeps from a server that may be hostile (docs/robustness.md):
// past a reply or data cap the step fails naming the cap; past the
// transcript or report cap, what does not fit is left out with a note.
struct RunCaps {
  size_t reply_lines = 10000;                 // lines in one reply
  size_t step_reply_bytes = 2 * 1024 * 1024;  // reply bytes one step reads
  size_t transcript_bytes = 256 * 1024;       // transcript kept per scenario
  size_t shown_bytes = 64 * 1024;             // a step's sent/received text in reports
  size_t report_bytes = 32 * 1024 * 1024;     // a rendered report
  size_t data_file_bytes = 64 * 1024 * 1024;  // data: {file}
};

struct RunOptions {
  std::optional<std::string> target;                     // --target: overrides each scenario's own
  std::map<std::string, std::string> vars;               // --var KEY=VALUE: override scenario vars
  std::optional<Duration> timeout;                       // --timeout: the default step timeout
  std::string report_path = "smtp-harness-report.json";  // --report ("-": stdout)
  std::string junit_path;                                // --junit; empty: none
  std::string gradescope_path;                           // --gradescope; empty: none
  bool gradescope_html = false;                          // --gradescope-format html
  std::string html_path;                                 // --html; empty: none
  // One report path may be "-" (standard output: every name of it is made
  // "-"); the text summary then goes to standard error, or nowhere.
  bool ReportOnStdout() const {
    return report_path == "-" || junit_path == "-" || gradescope_path == "-" || html_path == "-";
  }
  std::string command_line;  // for the reports
  int jobs = 1;              // -j: scenarios in parallel
  std::string filter;        // --filter: glob on scenario names
  int shard_index = 0;       // --shard K/N: K (1-based); 0 = no sharding
  int shard_count = 0;       //                N
  bool fail_fast = false;    // stop starting scenarios after a failure
  bool verbose = false;      // -v: print every transcript
  bool color = false;        // resolved: TTY, NO_COLOR, --no-color
  bool update = false;       // run --update: rewrite transcripts
  // run --allow-client: a server-mode scenario's `client:` command is run.
  // Without it `run` executes no command from a scenario file (they may be
  // downloaded): a server-mode scenario named on the command line is an
  // error pointing at `grade`; one found by walking a folder is skipped
  // (it would also bind the lab's 127.0.0.1:1025), saying how to run it.
  bool allow_client = false;
  std::set<std::string> named_files;  // scenario files given by name, not found in a folder
  RunCaps caps;
  // smtps:// targets: verify the server certificate (off by default: test
  // servers are mostly self-signed). `starttls: {verify: true}` steps use
  // tls_ca_file as well.
  bool tls_verify = false;  // --tls-verify
  std::string tls_ca_file;  // --ca-file: extra CA bundle (PEM)

  // Set (from a signal handler thread, or a test) to stop as soon as
  // possible: no new scenario starts, a running one stops at its next step.
  const std::atomic<bool>* cancel = nullptr;
  bool cancelled() const { return cancel && cancel->load(); }
};

}  // namespace smtp
