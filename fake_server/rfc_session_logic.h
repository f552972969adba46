// RfcSessionLogic: the default SessionLogic, a correct RFC 5321 server. It
// adapts the core ServerSession state machine (harness/core/server_session.h)
// to SessionActions: replies become writes, a rule's `delay` a pause before
// its reply, `split_bytes` several writes with `split_delay` pauses between.
// Accepted messages go to SessionContext::store before their 250.
#pragma once

#include <memory>
#include <string_view>

#include "harness/core/fault_rules.h"
#include "harness/core/server_config.h"
#include "harness/core/server_session.h"
#include "harness/core/session_logic.h"

namespace smtp {

class RfcSessionLogic : public SessionLogic {
 public:
  // `config` and `rules` are shared by all sessions of a server and must
  // outlive this logic; `rules` may be null.
  RfcSessionLogic(const FakeServerConfig& config, std::shared_ptr<RuleBook> rules,
                  SessionContext context);

  SessionActions OnConnect() override;
  SessionActions OnBytes(std::string_view bytes) override;
  void OnTlsStarted() override;
  bool InMessage() const override {
    return session_.state() == ServerSession::State::kData ||
           session_.state() == ServerSession::State::kBdat;
  }
  // A timeout (idle, command, data) answers 421 4.4.2, kServerStopping 421 4.3.2.
  SessionActions OnEnd(SessionEnd end) override;

  const ServerSession& session() const { return session_; }

 private:
  static SessionActions ToActions(ServerOutputs outputs);

  SessionContext context_;
  ServerSession session_;
};

// The factory FakeServer uses by default.
SessionLogicFactory RfcSessionLogicFactory(const FakeServerConfig& config,
                                           std::shared_ptr<RuleBook> rules);

}  // namespace smtp
