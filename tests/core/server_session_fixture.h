// ServerSessionTest: drives a ServerSession (harness/core/server_session.h)
// with strings, for the server_session_*_test.cc files. Send returns every
// reply it produced, with "<STARTTLS>" and "<CLOSE>" marking those outputs.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/server_session.h"

namespace smtp::test {

class ServerSessionTest : public ::testing::Test {
 protected:
  void Begin(std::vector<FaultRule> rules = {}, bool tls = false) {
    auto book = RuleBook::Create(std::move(rules));
    ASSERT_TRUE(book.ok()) << book.status().message();
    rules_ = *book;
    session_ = std::make_unique<ServerSession>(
        config_,
        [this](const ServerTransaction& t) {
          if (fail_store_) return Status::Io("disk full");
          stored_.push_back(t);
          return Status::Ok();
        },
        rules_, tls, "127.0.0.1:4000");
    greeting_ = Render(session_->Start());
  }
  static std::string Render(const ServerOutputs& outs) {
    std::string s;
    for (const auto& o : outs) {
      if (o.kind == ServerOutput::Kind::kReply) s += o.wire;
      if (o.kind == ServerOutput::Kind::kStartTls) s += "<STARTTLS>";
      if (o.kind == ServerOutput::Kind::kClose) s += "<CLOSE>";
    }
    return s;
  }
  std::string Send(std::string_view bytes) { return Render(session_->Feed(bytes)); }
  // EHLO and consume its reply.
  void Ehlo() { ASSERT_EQ(Send("EHLO 127.0.0.1\r\n").substr(0, 4), "250-"); }
  void Envelope() {
    Ehlo();
    ASSERT_EQ(Send("MAIL FROM:<a@example.test>\r\n"), "250 2.1.0 Sender <a@example.test> OK\r\n");
    ASSERT_EQ(Send("RCPT TO:<b@example.test>\r\n"), "250 2.1.5 Recipient <b@example.test> OK\r\n");
  }

  FakeServerConfig config_;
  std::shared_ptr<RuleBook> rules_;
  std::unique_ptr<ServerSession> session_;
  std::vector<ServerTransaction> stored_;
  bool fail_store_ = false;
  std::string greeting_;
};

}  // namespace smtp::test
