// RunOptions: how `run` (and `grade`, `load`) run scenarios, whatever front
// end filled them (the CLI's common run options, tests). Plain data.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>

#include "harness/util/duration.h"

namespace smtp {

struct RunOptions {
  std::optional<std::string> target;                     // --target: overrides each scenario's own
  std::map<std::string, std::string> vars;               // --var KEY=VALUE: override scenario vars
  std::optional<Duration> timeout;                       // --timeout: the default step timeout
  std::string report_path = "smtp-harness-report.json";  // --report ("-": stdout)
  std::string junit_path;                                // --junit; empty: none
  std::string gradescope_path;                           // --gradescope; empty: none
  bool gradescope_html = false;                          // --gradescope-format html
  std::string html_path;                                 // --html; empty: none
  std::string command_line;                              // for the reports
  int jobs = 1;                                          // -j: scenarios in parallel
  std::string filter;                                    // --filter: glob on scenario names
  int shard_index = 0;     // --shard K/N: K (1-based); 0 = no sharding
  int shard_count = 0;     //                N
  bool fail_fast = false;  // stop starting scenarios after a failure
  bool verbose = false;    // -v: print every transcript
  bool color = false;      // resolved: TTY, NO_COLOR, --no-color
  bool update = false;     // run --update: rewrite transcripts
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
