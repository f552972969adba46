#include "harness/runner/server_grader.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "fake_server/fake_server.h"
#include "harness/runner/grade_result.h"
#include "harness/runner/scripted_session.h"
#include "harness/util/host_port.h"
#include "harness/util/listen_address.h"

namespace smtp {
namespace {

using Steady = std::chrono::steady_clock;

// Collects finished sessions from the server thread.
class SessionCollector {
 public:
  void Add(SessionReport r) {
    std::lock_guard lock(mu_);
    reports_.push_back(std::move(r));
    cv_.notify_all();
  }
  size_t Count() {
    std::lock_guard lock(mu_);
    return reports_.size();
  }
  // Waits until `n` sessions finished or `until` passes, whichever first;
  // wakes early every `tick` so the caller can look at the client.
  void WaitFor(size_t n, Duration wait) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] { return reports_.size() >= n; });
  }
  std::vector<SessionReport> Take() {
    std::lock_guard lock(mu_);
    auto out = reports_;
    std::sort(out.begin(), out.end(),
              [](const SessionReport& a, const SessionReport& b) { return a.session < b.session; });
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<SessionReport> reports_;
};

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>()*?") == std::string::npos;
    if (plain) {
      out += a;
    } else {
      out += '\'';
      for (char c : a) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
      out += '\'';
    }
  }
  return out;
}

}  // namespace

Duration DefaultRunTimeout(const Scenario& scenario, Duration step_timeout) {
  // A session takes at most the sum of its steps' timeouts, plus two default
  // ones (the connect and the exit).
  Duration session_time = 2 * step_timeout;
  for (const Step& s : scenario.steps) session_time += s.timeout.value_or(step_timeout);
  return session_time * std::max(1, scenario.sessions);
}

Result<ScenarioResult> GradeServerScenario(const Scenario& scenario, const GradeOptions& options) {
  const Clock& clock = options.clock ? *options.clock : SteadyClock();
  const auto started = clock.Now();
  auto ms_since = [&clock](Clock::TimePoint t) {
    return std::chrono::duration<double, std::milli>(clock.Now() - t).count();
  };
  const Duration step_timeout = options.step_timeout.value_or(scenario.timeout);
  // Each read waits as long as the step it waits for allows (the script tells
  // the engine, ScriptedSession::ReadTimeout).
  Duration longest = step_timeout;
  for (const Step& s : scenario.steps)
    longest = std::max(longest, s.timeout.value_or(step_timeout));
  const int sessions = std::max(1, scenario.sessions);
  const Duration run_timeout =
      options.run_timeout.value_or(DefaultRunTimeout(scenario, step_timeout));

  // The client command: `-- CMD` wins over `client:`.
  std::vector<std::string> argv = options.client_argv;
  std::string client_dir;  // `client:` runs in the scenario's folder, like data: {file}
  if (argv.empty()) {
    client_dir = std::filesystem::path(scenario.file).parent_path().string();
    if (scenario.client.empty()) {
      return Status::InvalidArgument(
          (scenario.file.empty() ? scenario.name : scenario.file) +
          ": no client command: give one after `--` or as `client:` in the scenario");
    }
    if (scenario.client_shell) {
      argv = {"/bin/sh", "-c", scenario.client};
    } else {
      auto split = SplitCommandLine(scenario.client);
      if (!split.ok()) return split.status().Prefixed(scenario.file + ": client");
      argv = *split;
    }
  }

  auto listen = ParseListenAddress(options.listen.value_or(scenario.listen));
  if (!listen.ok()) return listen.status();
  FakeServerConfig config = scenario.server;
  config.listen_host = listen->host;
  config.port = options.port.value_or(listen->port);
  config.idle_timeout = step_timeout;  // the scripted sessions name each read's own
  config.write_timeout = longest;
  config.keep_messages = false;
  config.keep_transcripts = false;  // the scripted sessions keep their own (bounded)
  config.max_sessions = static_cast<size_t>(sessions) + 8;
  config.max_sessions_per_client = config.max_sessions;  // the client under test is local

  ScriptOptions script;
  script.vars = options.vars;
  script.step_timeout = step_timeout;
  SessionCollector collector;
  auto factory = [&](const SessionContext& ctx) -> std::unique_ptr<SessionLogic> {
    return std::make_unique<ScriptedSession>(
        scenario, ctx.session, script,
        [&collector](SessionReport r) { collector.Add(std::move(r)); });
  };
  // A fixed port (the lab's 1025) may be held by another grader on the same
  // machine: wait for it, up to the step timeout, rather than fail at once.
  std::unique_ptr<FakeServer> server_holder;
  Result<uint16_t> port = Status::Internal("not started");
  const auto bind_deadline = clock.Now() + step_timeout;
  while (true) {
    server_holder = std::make_unique<FakeServer>(config, factory);
    port = server_holder->Start();
    if (port.ok() || config.port == 0 || clock.Now() >= bind_deadline ||
        port.status().message().find("in use") == std::string::npos) {
      break;
    }
    server_holder.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!port.ok()) return port.status();
  FakeServer& server = *server_holder;
  if (options.on_listening) options.on_listening(*port);
  const std::string where = FormatHostPort(config.listen_host, *port);

  ServerRunFacts facts;
  facts.listen = where;
  facts.step_timeout = step_timeout;
  facts.run_timeout = run_timeout;
  facts.client.command = JoinArgv(argv);

  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = client_dir;
  if (Status s = ApplyContainment(options.containment, *port, spec); !s.ok()) {
    server.Stop();
    return s;
  }
  std::unique_ptr<ProcessRunner> own_runner;
  ProcessRunner* runner = options.runner;
  if (!runner) {
    own_runner = MakePosixProcessRunner();
    runner = own_runner.get();
  }
  auto process = runner->Start(spec);
  if (!process.ok()) {
    server.Stop();
    facts.client_start_error = process.status().message();
    facts.duration_ms = ms_since(started);
    return AssembleServerResult(scenario, facts);
  }
  RunningProcess& client = **process;

  const auto run_deadline = started + run_timeout;
  const auto connect_deadline = started + step_timeout;
  const auto tick = std::chrono::milliseconds(20);
  bool client_exited = false;
  while (true) {
    auto now = clock.Now();
    if (collector.Count() >= static_cast<size_t>(sessions)) break;
    if (options.cancel && options.cancel->load()) {
      facts.interrupted = true;
      break;
    }
    if (now >= run_deadline) {
      facts.run_timed_out = true;
      break;
    }
    if (server.SessionsStarted() == 0 && now >= connect_deadline) {
      facts.never_connected_timeout = true;
      break;
    }
    if (client.Exited()) {
      // Its connections close with it; let the engine deliver their ends.
      client_exited = true;
      // A grace, not a deadline of the scenario: real time.
      auto settle = Steady::now() + std::chrono::milliseconds(500);
      while (server.SessionsActive() > 0 && Steady::now() < settle) {
        collector.WaitFor(static_cast<size_t>(sessions), tick);
      }
      break;
    }
    collector.WaitFor(
        static_cast<size_t>(sessions),
        std::min<Duration>(tick, std::chrono::duration_cast<Duration>(run_deadline - now)));
  }
  bool sessions_done = collector.Count() >= static_cast<size_t>(sessions);
  if (sessions_done && !client_exited && !facts.interrupted) {
    auto grace = std::min(
        {options.exit_grace, step_timeout,
         Duration(std::max<long>(
             0, std::chrono::duration_cast<Duration>(run_deadline - clock.Now()).count()))});
    client_exited = client.WaitExit(grace);
    facts.killed_after_sessions = !client_exited;
  }
  ProcessOutcome outcome = client.Stop(std::chrono::milliseconds(300));
  server.Stop();  // ends open sessions: their reports arrive now

  facts.sessions = collector.Take();
  facts.client.exit_code = outcome.exit_code;
  facts.client.signal = outcome.signal;
  facts.client.timed_out = outcome.killed;
  facts.client.stdout_text = outcome.stdout_text;
  facts.client.stderr_text = outcome.stderr_text;
  // A client's debug output prints its AUTH lines as sent (smtplib's
  // set_debuglevel, swaks): what the transcripts hide leaves it too.
  for (const auto& session : facts.sessions) {
    for (const auto& secret : session.secrets) {
      if (secret.size() < 4) continue;  // "=" and the like would mangle the text
      for (std::string* text : {&facts.client.stdout_text, &facts.client.stderr_text}) {
        for (size_t at = text->find(secret); at != std::string::npos;
             at = text->find(secret, at + 10)) {
          text->replace(at, secret.size(), "<redacted>");
        }
      }
    }
  }
  facts.client.left_running = outcome.left_running;
  facts.client.containment = outcome.isolation;
  if (!outcome.isolation.empty() && spec.uid) {
    facts.client.containment += ", uid " + std::to_string(*spec.uid);
  }
  facts.duration_ms = ms_since(started);
  return AssembleServerResult(scenario, facts);
}

}  // namespace smtp
