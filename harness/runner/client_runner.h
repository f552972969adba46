// RunClientScenario: replays one client-mode scenario against its target
// and records the outcome (SPEC §3, §7): every step (sent, expected,
// received, verdict, duration), the timestamped transcript, the first
// failure. `failed` is an unmet expectation (wrong reply, timeout waiting
// for it, unexpected close); `error` is a run that could not be carried out
// (target unreachable, TLS failure, a harness fault).
//
// The network is reached only through ClientRunnerEnv, so tests drive the
// runner with an in-memory SmtpConnection and no fake server.
#pragma once

#include <functional>
#include <memory>

#include "harness/client/smtp_connection.h"
#include "harness/core/server_config.h"
#include "harness/report/run_result.h"
#include "harness/runner/run_options.h"
#include "harness/scenario/model.h"
#include "harness/util/status.h"

namespace smtp {

// A started fake server; stops when destroyed.
class FakeTargetHandle {
 public:
  virtual ~FakeTargetHandle() = default;
  virtual uint16_t port() const = 0;
};

struct ClientRunnerEnv {
  std::function<Result<std::unique_ptr<SmtpConnection>>(const ConnectOptions&)> connect;
  std::function<Result<std::unique_ptr<FakeTargetHandle>>(const FakeServerConfig&)> start_fake;
  // After a target sent no greeting: what listens there, as advice
  // ("this port speaks TLS: use smtps://"), or "". Optional.
  std::function<std::string(const std::string& host, uint16_t port, Duration timeout)> probe;
};

// The real thing: SmtpConnection::Connect and an embedded FakeServer.
ClientRunnerEnv DefaultClientRunnerEnv();

ScenarioResult RunClientScenario(const Scenario& scenario, const RunOptions& options,
                                 const ClientRunnerEnv& env);

}  // namespace smtp
