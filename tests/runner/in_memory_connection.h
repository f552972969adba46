// An in-memory SmtpConnection for runner tests: a scripted responder plays
// the server, no sockets. Each line the client writes goes to `respond`,
// which returns the reply text to queue ("250 OK", "250-a\n250 b") or an
// empty string for none; DATA lines are collected until ".".
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "harness/client/smtp_connection.h"
#include "harness/runner/client_runner.h"
#include "harness/util/ascii.h"

namespace smtp::testing {

struct ScriptedServer {
  std::string greeting = "220 mem.test ESMTP";
  std::string ehlo = "250-mem.test\n250-PIPELINING\n250-8BITMIME\n250 AUTH PLAIN LOGIN";
  // Overrides for specific command lines (exact match), checked first.
  std::function<std::string(const std::string& line)> override_reply;
  bool close_after_quit = true;
  bool fail_connect = false;
  bool fail_tls = false;
  bool stall_data = false;           // stops reading after 354: a write of the message times out
  std::vector<std::string> written;  // every line the client wrote
  std::string data;                  // the last message's DATA lines (CRLF)
};

class InMemoryConnection : public SmtpConnection {
 public:
  explicit InMemoryConnection(ScriptedServer* server) : s_(server) { Queue(s_->greeting); }
  explicit InMemoryConnection(std::shared_ptr<ScriptedServer> owned)
      : owned_(std::move(owned)), s_(owned_.get()) {
    Queue(s_->greeting);
  }

  Status Write(std::string_view bytes, Duration timeout) override {
    if (closed_) return Status::Closed("connection closed");
    if (in_data_ && s_->stall_data) {
      return Status::Timeout("writing " + std::to_string(bytes.size()) +
                             " bytes took longer than " + FormatDuration(timeout));
    }
    pending_ += bytes;
    size_t nl;
    while ((nl = pending_.find("\r\n")) != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 2);
      Note('C', line);
      s_->written.push_back(line);
      OnLine(line);
    }
    return Status::Ok();
  }

  Result<Reply> ReadReply(Duration timeout) override {
    if (queue_.empty()) {
      if (closed_) return Status::Closed("connection closed by peer");
      return Status::Timeout("no reply within " + FormatDuration(timeout));
    }
    std::string text = queue_.front();
    queue_.pop_front();
    auto r = ReplyFromText(text);
    if (!r.ok()) return r.status();
    for (const auto& l : SplitDisplay(r->ToDisplay())) Note('S', l);
    return r;
  }

  Status StartTls(const TlsOptions&, Duration) override {
    if (s_->fail_tls) return Status::Tls("certificate verify failed");
    tls_ = true;
    Note('*', "TLS started");
    return Status::Ok();
  }
  Status WaitForClose(Duration) override {
    return closed_ && queue_.empty() ? Status::Ok() : Status::Timeout("still open");
  }
  void Close() override {}
  bool tls_active() const override { return tls_; }
  std::string peer() const override { return "mem:25"; }
  void set_observer(Observer o) override { observer_ = std::move(o); }

 private:
  static std::vector<std::string> SplitDisplay(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
      size_t nl = s.find('\n', start);
      out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) return out;
      start = nl + 1;
    }
  }
  void Note(char dir, const std::string& text) {
    if (observer_) observer_(TranscriptEntry{0, dir, text});
  }
  void Queue(const std::string& reply) {
    if (!reply.empty()) queue_.push_back(reply);
  }
  void OnLine(const std::string& line) {
    if (in_data_) {
      if (line == ".") {
        in_data_ = false;
        Queue("250 2.0.0 queued as 42");
      } else {
        s_->data += line + "\r\n";
      }
      return;
    }
    if (s_->override_reply) {
      std::string r = s_->override_reply(line);
      if (!r.empty()) {
        if (r == "CLOSE") {
          closed_ = true;
        } else {
          Queue(r);
        }
        return;
      }
    }
    std::string verb = Upper(line.substr(0, line.find(' ')));
    if (verb == "EHLO") return Queue(s_->ehlo);
    if (verb == "HELO") return Queue("250 mem.test");
    if (verb == "MAIL" || verb == "RCPT" || verb == "RSET" || verb == "NOOP")
      return Queue("250 2.1.0 Ok");
    if (verb == "DATA") {
      in_data_ = true;
      s_->data.clear();
      return Queue("354 End data with <CR><LF>.<CR><LF>");
    }
    if (verb == "STARTTLS") return Queue("220 2.0.0 Ready to start TLS");
    if (verb == "AUTH") {
      if (line.rfind("AUTH LOGIN", 0) == 0) {
        auth_login_ = 2;
        return Queue("334 VXNlcm5hbWU6");
      }
      return Queue("235 2.7.0 Authentication successful");
    }
    if (auth_login_ > 0) {
      --auth_login_;
      return Queue(auth_login_ ? "334 UGFzc3dvcmQ6" : "235 2.7.0 Authentication successful");
    }
    if (verb == "QUIT") {
      Queue("221 2.0.0 Bye");
      if (s_->close_after_quit) closed_ = true;
      return;
    }
    Queue("500 5.5.2 unknown command");
  }

  std::shared_ptr<ScriptedServer> owned_;
  ScriptedServer* s_;
  std::deque<std::string> queue_;
  std::string pending_;
  bool closed_ = false;
  bool in_data_ = false;
  bool tls_ = false;
  int auth_login_ = 0;
  Observer observer_;
};

class NoFakeServer : public FakeTargetHandle {
 public:
  uint16_t port() const override { return 2525; }
};

// An env where every connection gets its own copy of `proto` (thread-safe).
inline ClientRunnerEnv InMemoryEnvPerConnection(ScriptedServer proto) {
  ClientRunnerEnv env;
  env.connect = [proto](const ConnectOptions&) -> Result<std::unique_ptr<SmtpConnection>> {
    return std::unique_ptr<SmtpConnection>(
        new InMemoryConnection(std::make_shared<ScriptedServer>(proto)));
  };
  env.start_fake = [](const FakeServerConfig&) -> Result<std::unique_ptr<FakeTargetHandle>> {
    return std::unique_ptr<FakeTargetHandle>(new NoFakeServer());
  };
  return env;
}

// An env whose connections are InMemoryConnections to `server`.
inline ClientRunnerEnv InMemoryEnv(ScriptedServer* server) {
  ClientRunnerEnv env;
  env.connect = [server](const ConnectOptions&) -> Result<std::unique_ptr<SmtpConnection>> {
    if (server->fail_connect) return Status::Io("connection refused");
    return std::unique_ptr<SmtpConnection>(new InMemoryConnection(server));
  };
  env.start_fake = [](const FakeServerConfig&) -> Result<std::unique_ptr<FakeTargetHandle>> {
    return std::unique_ptr<FakeTargetHandle>(new NoFakeServer());
  };
  return env;
}

}  // namespace smtp::testing
