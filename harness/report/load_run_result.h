// The outcome of `smtp-harness load`: session counts, throughput, latency
// histograms (connect and per step) and failures grouped by step and reply.
// Plain data; filled by the load driver, read by the text summary and the
// JSON report (SPEC §2 `load`; the "load" object of the report).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/util/latency_histogram.h"

namespace smtp {

struct LoadStepStats {
  int index = 0;  // the scenario step
  int line = 0;
  std::string label;  // "send MAIL FROM:<a@b>", "data", "expect"
  LatencyHistogram latency;
};

// Sessions that did not pass, grouped by the step that failed and what it saw.
struct LoadFailureGroup {
  int step = -1;  // -1: before any step (connect)
  int line = 0;
  std::string kind;      // "failed" or "error"
  std::string expected;  // "250"
  std::string actual;    // "550 5.1.1 No such user", "no reply within 5s"
  uint64_t count = 0;
  std::string example;  // one full message, as `run` would print it
};

// Sessions finished by `t_s` seconds into the load (cumulative), sampled
// while it runs: the throughput over time is the slope between samples.
struct LoadTimelineSample {
  double t_s = 0;
  uint64_t done = 0, failed = 0, errors = 0;
};

struct LoadRunResult {
  // What was asked for.
  std::string scenario;
  std::string file;
  std::string target;
  std::string started_at;         // ISO 8601 UTC
  uint64_t sessions_planned = 0;  // 0 with --duration
  double duration_limit_s = 0;    // --duration, 0 when not given
  int concurrency = 1;
  int threads = 1;
  double rate = 0;  // sessions/s; 0: unlimited
  bool reuse = false;

  // What happened.
  double duration_ms = 0;
  uint64_t ok = 0, failed = 0, errors = 0;
  uint64_t messages = 0;     // messages accepted (the reply after the data passed)
  uint64_t connections = 0;  // connections opened
  bool interrupted = false;
  LatencyHistogram connect;                  // TCP connect (and TLS for smtps)
  LatencyHistogram session;                  // a whole session (transaction with --reuse)
  std::vector<LoadStepStats> steps;          // in scenario order
  std::vector<LoadFailureGroup> failures;    // most frequent first
  std::vector<LoadTimelineSample> timeline;  // in time order; the last is the end
  std::string command_line;                  // how the load was started, for reports

  uint64_t sessions_done() const { return ok + failed + errors; }
  double seconds() const { return duration_ms / 1000.0; }
  double sessions_per_second() const { return seconds() > 0 ? sessions_done() / seconds() : 0; }
  double messages_per_second() const { return seconds() > 0 ? messages / seconds() : 0; }
};

}  // namespace smtp
