// libFuzzer target: the server state machine (ServerSession) fed arbitrary
// bytes in fuzzer-chosen chunks, with AUTH, STARTTLS and CHUNKING on, a small
// SIZE limit and a few fault rules, so every state is reachable.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "harness/core/fault_rules.h"
#include "harness/core/server_session.h"

namespace {

const smtp::FakeServerConfig& Config() {
  static const smtp::FakeServerConfig config = [] {
    smtp::FakeServerConfig c;
    c.max_message_size = 2048;
    c.max_recipients = 3;
    c.auth.users = {{"alice", "secret"}};
    c.tls.starttls = true;
    return c;
  }();
  return config;
}

std::shared_ptr<smtp::RuleBook> Rules() {
  std::vector<smtp::FaultRule> rules(3);
  rules[0].when = "RCPT TO:<greylist@*";
  rules[0].reply = "450 4.7.1 Greylisted";
  rules[0].times = 1;
  rules[1].when = "/^MAIL FROM:<drop@/";
  rules[1].action = smtp::FaultRule::Action::kDropInData;
  rules[1].after_bytes = 10;
  rules[2].on = smtp::FaultRule::On::kMessage;
  rules[2].nth = 2;
  rules[2].reply = "421 4.3.0 Second message refused";
  rules[2].action = smtp::FaultRule::Action::kDisconnect;
  auto book = smtp::RuleBook::Create(std::move(rules));
  if (!book.ok()) std::abort();
  return *book;
}

void Check(const smtp::ServerOutputs& outs, smtp::ServerSession& session) {
  for (const auto& o : outs) {
    if (o.kind == smtp::ServerOutput::Kind::kReply) {
      // Every reply is whole CRLF lines.
      if (o.wire.size() < 6 || o.wire.compare(o.wire.size() - 2, 2, "\r\n") != 0) std::abort();
    } else if (o.kind == smtp::ServerOutput::Kind::kStartTls) {
      session.TlsStarted();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  bool store_fails = fdp.ConsumeBool();
  size_t stored = 0;
  smtp::ServerSession session(
      Config(),
      [&](const smtp::ServerTransaction& t) {
        if (t.rcpt_to.empty()) std::abort();  // a message needs a recipient
        if (t.data.size() > Config().max_message_size) std::abort();
        ++stored;
        return store_fails ? smtp::Status::Io("disk full") : smtp::Status::Ok();
      },
      Rules(), false, "127.0.0.1:1");
  Check(session.Start(), session);
  while (fdp.remaining_bytes() > 0 && !session.closed()) {
    size_t n = fdp.ConsumeIntegralInRange<size_t>(1, 600);
    std::string chunk = fdp.ConsumeBytesAsString(n);
    Check(session.Feed(chunk), session);
  }
  if (!session.closed()) Check(session.IdleTimeout(), session);
  if (!session.closed()) std::abort();  // 421 and close, whatever state it was in
  return 0;
}
