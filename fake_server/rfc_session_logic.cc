#include "fake_server/rfc_session_logic.h"

#include <algorithm>

namespace smtp {

RfcSessionLogic::RfcSessionLogic(const FakeServerConfig& config, std::shared_ptr<RuleBook> rules,
                                 SessionContext context)
    : context_(std::move(context)),
      session_(
          config,
          [this](const ServerTransaction& t) -> Status {
            if (!context_.store) return Status::Ok();
            ReceivedMessage m;
            m.session = context_.session;
            m.helo = t.helo;
            m.mail_from = t.mail_from;
            m.rcpt_to = t.rcpt_to;
            m.data = t.data;
            m.tls = t.tls;
            m.auth_user = t.auth_user;
            return context_.store(m);
          },
          std::move(rules), context_.tls, context_.peer, context_.session) {}

SessionActions RfcSessionLogic::OnConnect() { return ToActions(session_.Start()); }

SessionActions RfcSessionLogic::OnBytes(std::string_view bytes) {
  return ToActions(session_.Feed(bytes));
}

void RfcSessionLogic::OnTlsStarted() { session_.TlsStarted(); }

SessionActions RfcSessionLogic::OnEnd(SessionEnd end) {
  if (IsTimeout(end)) return ToActions(session_.IdleTimeout());
  if (end == SessionEnd::kServerStopping) return ToActions(session_.Shutdown());
  return {};
}

SessionActions RfcSessionLogic::ToActions(ServerOutputs outputs) {
  SessionActions actions;
  for (auto& o : outputs) {
    switch (o.kind) {
      case ServerOutput::Kind::kReply: {
        const FaultRule* rule = o.rule;
        if (rule && rule->delay.count() > 0) actions.push_back(SessionAction::Pause(rule->delay));
        if (rule && rule->split_bytes > 0 && o.wire.size() > rule->split_bytes) {
          for (size_t i = 0; i < o.wire.size(); i += rule->split_bytes) {
            if (i > 0 && rule->split_delay.count() > 0) {
              actions.push_back(SessionAction::Pause(rule->split_delay));
            }
            actions.push_back(SessionAction::Write(o.wire.substr(i, rule->split_bytes)));
          }
        } else if (!actions.empty() && actions.back().kind == SessionAction::Kind::kWrite) {
          actions.back().bytes += o.wire;  // pipelined replies go out in one write
        } else {
          actions.push_back(SessionAction::Write(std::move(o.wire)));
        }
        break;
      }
      case ServerOutput::Kind::kStartTls:
        actions.push_back(SessionAction::StartTls());
        break;
      case ServerOutput::Kind::kClose:
        actions.push_back(SessionAction::Close());
        break;
    }
  }
  return actions;
}

SessionLogicFactory RfcSessionLogicFactory(const FakeServerConfig& config,
                                           std::shared_ptr<RuleBook> rules) {
  return [&config, rules](const SessionContext& context) -> std::unique_ptr<SessionLogic> {
    return std::make_unique<RfcSessionLogic>(config, rules, context);
  };
}

}  // namespace smtp
