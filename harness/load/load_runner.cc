#include "harness/load/load_runner.h"

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "fake_server/fake_server.h"
#include "harness/load/load_plan.h"
#include "harness/load/load_session.h"
#include "harness/load/load_stats.h"
#include "harness/load/load_timeline.h"
#include "harness/runner/suite_runner.h"
#include "harness/util/iso8601.h"
#include "harness/util/target.h"

namespace smtp {
namespace {

using Clock = std::chrono::steady_clock;

// How often the throughput timeline is sampled (thinned on long loads).
constexpr auto kTimelinePeriod = std::chrono::milliseconds(100);

Result<asio::ip::tcp::endpoint> ResolveEndpoint(const std::string& host, uint16_t port) {
  asio::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (!ec) return asio::ip::tcp::endpoint(addr, port);
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) return Status::Io("cannot resolve " + host + ": " + ec.message());
  return results.begin()->endpoint();
}

}  // namespace

int DefaultLoadThreads(unsigned cores, bool local_target) {
  int n = static_cast<int>(std::max(1u, cores));
  return local_target ? std::max(1, n / 2) : n;
}

Result<LoadRunResult> RunLoad(const Scenario& sc, const LoadRunOptions& opt,
                              const LoadHooks& hooks) {
  if (opt.concurrency < 1) return Status::InvalidArgument("--concurrency must be at least 1");
  if (opt.threads < 0) return Status::InvalidArgument("--threads must be at least 1");
  if (opt.sessions == 0 && !opt.duration)
    return Status::InvalidArgument("give --sessions or --duration");
  Duration default_timeout = opt.run.timeout.value_or(sc.timeout);
  auto plan = BuildLoadPlan(sc, VarMap(opt.run.vars.begin(), opt.run.vars.end()), default_timeout,
                            opt.reuse);
  if (!plan.ok()) return plan.status();

  std::string target_text = opt.run.target.value_or(sc.target);
  auto target = ParseTarget(target_text);
  if (!target.ok()) return Status::InvalidArgument(target.status().message());

  LoadRunResult result;
  result.scenario = sc.name;
  result.file = sc.file;
  result.target = target_text;
  result.started_at = NowIso8601();
  result.sessions_planned = opt.sessions;
  result.duration_limit_s = opt.duration ? std::chrono::duration<double>(*opt.duration).count() : 0;
  result.concurrency = opt.concurrency;
  result.rate = opt.rate;
  result.reuse = opt.reuse;

  LoadShared shared;
  shared.plan = &*plan;
  shared.file = sc.file;
  for (const auto& s : sc.steps) shared.step_lines.push_back(s.pos.line);
  shared.connect_timeout = default_timeout;
  shared.reuse = opt.reuse;

  std::unique_ptr<FakeServer> fake;
  if (target->kind == Target::Kind::kFake) {
    FakeServerConfig config = sc.server;
    config.keep_messages = false;  // a long load must not keep every message
    config.keep_transcripts = false;
    config.max_sessions =
        std::max<size_t>(config.max_sessions, static_cast<size_t>(opt.concurrency) + 16);
    // Every lane connects from this host: the per-client limit must not bite.
    config.max_sessions_per_client = config.max_sessions;
    fake = std::make_unique<FakeServer>(config);
    auto port = fake->Start();
    if (!port.ok())
      return Status::Internal("cannot start the fake server: " + port.status().message());
    shared.endpoint = asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), *port);
    shared.implicit_tls = config.tls.implicit;
  } else {
    auto ep = ResolveEndpoint(target->host, target->port);
    if (!ep.ok()) return Status::InvalidArgument(ep.status().message());
    shared.endpoint = *ep;
    shared.implicit_tls = target->kind == Target::Kind::kSmtps;
  }
  int wanted = opt.threads > 0 ? opt.threads
                               : DefaultLoadThreads(std::thread::hardware_concurrency(),
                                                    shared.endpoint.address().is_loopback());
  result.threads = std::min(wanted, opt.concurrency);

  auto start = Clock::now();
  std::optional<Clock::time_point> end;
  if (opt.duration) end = start + *opt.duration;
  TicketDispenser tickets(opt.sessions, start, end, opt.rate, opt.run.cancel);
  LoadProgress progress;
  shared.tickets = &tickets;
  shared.progress = &progress;

  bool needs_tls = shared.implicit_tls;
  for (const auto& op : plan->ops) needs_tls = needs_tls || op.kind == LoadOp::Kind::kStartTls;
  int threads = result.threads;
  std::vector<LoadStats> stats(threads, LoadStats(sc.steps.size()));
  std::vector<std::string> faults(threads);
  std::mutex mu;
  std::condition_variable cv;
  int running = threads;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    int lanes = opt.concurrency / threads + (t < opt.concurrency % threads ? 1 : 0);
    workers.emplace_back([&, t, lanes] {
      try {
        // Only this thread ever touches `io` (cancellation is an atomic
        // flag read by the lanes), so Asio's internal locking is skipped.
        asio::io_context io(ASIO_CONCURRENCY_HINT_UNSAFE);
        std::optional<asio::ssl::context> tls;
        if (needs_tls) {
          tls.emplace(asio::ssl::context::tls_client);
          tls->set_verify_mode(asio::ssl::verify_none);  // load measures; `run` checks certificates
        }
        SpawnLoadLanes(io, tls ? &*tls : nullptr, shared, lanes, stats[t]);
        io.run();
      } catch (const std::exception& e) {
        faults[t] = e.what();
      }
      std::lock_guard<std::mutex> lock(mu);
      --running;
      cv.notify_all();
    });
  }
  // Wakes every sampling period for the timeline; the progress hook keeps
  // its own, longer interval.
  LoadTimeline timeline(std::chrono::duration<double>(kTimelinePeriod).count());
  auto sample = [&] {
    return LoadTimelineSample{std::chrono::duration<double>(Clock::now() - start).count(),
                              progress.done.load(), progress.failed.load(), progress.errors.load()};
  };
  timeline.Add(LoadTimelineSample{});
  auto next_progress = start + hooks.progress_interval;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu);
      if (cv.wait_for(lock, kTimelinePeriod, [&] { return running == 0; })) break;
    }
    LoadTimelineSample now = sample();
    timeline.Add(now);
    if (hooks.on_progress && Clock::now() >= next_progress) {
      next_progress = Clock::now() + hooks.progress_interval;
      hooks.on_progress({now.done, now.failed, now.errors, now.t_s});
    }
  }
  for (auto& w : workers) w.join();
  result.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  timeline.Add(sample(), /*force=*/true);
  result.timeline = timeline.samples();
  if (fake) fake->Stop();
  for (const auto& f : faults) {
    if (!f.empty()) return Status::Internal("load thread failed: " + f);
  }
  for (int t = 1; t < threads; ++t) stats[0].Merge(stats[t]);
  std::vector<int> lines = shared.step_lines;
  stats[0].ExportTo(result, plan->step_labels, lines);
  result.interrupted = opt.run.cancelled();
  return result;
}

}  // namespace smtp
