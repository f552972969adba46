// The work of one load thread: `lanes` coroutines on its io_context, each
// claiming session tickets from the shared TicketDispenser and running the
// LoadPlan over a LoadConnection, checking every reply with the scenario's
// matchers (Match, as `run` does). Results go to the thread's LoadStats and
// to shared progress counters.
#pragma once

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/load/load_plan.h"
#include "harness/load/load_stats.h"

namespace smtp {

// Hands out session tickets: up to `total` (0: unbounded), not after `end`,
// none once cancelled; with a rate, ticket k may start at start + k/rate.
// Thread-safe (one atomic counter).
class TicketDispenser {
 public:
  using Clock = std::chrono::steady_clock;
  TicketDispenser(uint64_t total, Clock::time_point start, std::optional<Clock::time_point> end,
                  double rate, const std::atomic<bool>* cancel)
      : total_(total), start_(start), end_(end), rate_(rate), cancel_(cancel) {}

  // When the claimed session may start (now or later), or nullopt: no more work.
  std::optional<Clock::time_point> Claim();

 private:
  std::atomic<uint64_t> next_{0};
  uint64_t total_;
  Clock::time_point start_;
  std::optional<Clock::time_point> end_;
  double rate_;
  const std::atomic<bool>* cancel_;
};

struct LoadProgress {
  std::atomic<uint64_t> done{0}, failed{0}, errors{0};
};

// What every thread shares (read-only but the dispenser and progress).
struct LoadShared {
  const LoadPlan* plan = nullptr;
  std::string file;  // for messages
  std::vector<int> step_lines;
  asio::ip::tcp::endpoint endpoint;
  bool implicit_tls = false;
  Duration connect_timeout{std::chrono::seconds(5)};
  bool reuse = false;
  TicketDispenser* tickets = nullptr;
  LoadProgress* progress = nullptr;
};

// Runs `lanes` concurrent lanes on `io` until the dispenser runs dry; the
// caller runs io. Each lane keeps its own variables (captures). `tls` is
// null when the plan needs no TLS.
void SpawnLoadLanes(asio::io_context& io, asio::ssl::context* tls, const LoadShared& shared,
                    int lanes, LoadStats& stats);

}  // namespace smtp
