// smtp_harness::FakeSmtpServer — the smtp-harness fake SMTP server, embedded
// in your own test suite (as GreenMail is for Java, aiosmtpd for Python).
//
//   find_package(SmtpHarness REQUIRED)
//   target_link_libraries(my_tests PRIVATE SmtpHarness::fake_server)
//
//   smtp_harness::FakeSmtpServer server;            // 127.0.0.1, a free port
//   SendWelcomeMail("127.0.0.1", server.port());     // the code under test
//   ASSERT_TRUE(server.WaitForMessages(1, std::chrono::seconds(5)));
//   EXPECT_EQ(server.messages()[0].Header("Subject"), "Welcome");
//
// The configuration is the YAML of a scenario's `server:` block, with the same
// keys and meaning (docs/scenarios.md, docs/fake-server.md): extensions,
// SIZE, AUTH users, STARTTLS or implicit TLS, fault-injection rules.
//
// Thread safety: every member may be called from any thread while the server
// runs on its own thread. Stable API: this header uses only the standard
// library (no Asio, OpenSSL or yaml-cpp types), and members are only added.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smtp_harness {

// One message the server accepted (it answered 250 after DATA or BDAT LAST).
struct ReceivedMail {
  int session = 0;        // 1-based number of the connection it came on
  std::string helo;       // the client's HELO/EHLO argument
  std::string mail_from;  // reverse-path without <> ("" for the null path)
  std::vector<std::string> rcpt_to;
  std::string data;       // the message as received: CRLF line ends, dots removed
  bool tls = false;       // received over TLS (STARTTLS or implicit)
  std::string auth_user;  // the AUTH identity, "" when not authenticated
  // The header fields of `data`, in order, unfolded (continuation lines
  // joined with one space), names as written.
  std::vector<std::pair<std::string, std::string>> headers;

  // The first header field called `name` (any case), or "".
  std::string Header(std::string_view name) const;
  // `data` after the blank line that ends the header.
  std::string Body() const;
};

class FakeSmtpServer {
 public:
  // Starts listening on 127.0.0.1 at a free port and serves in the
  // background. `server_config_yaml` holds the keys of a `server:` block,
  // e.g. "extensions: [PIPELINING, SIZE]\nmax_message_size: 1000\n"; empty for the
  // defaults. Throws std::invalid_argument for a bad configuration (its
  // message is "config:LINE:COL: ..." per problem) and std::runtime_error
  // when it cannot start.
  explicit FakeSmtpServer(const std::string& server_config_yaml = "");
  ~FakeSmtpServer();  // stops
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  uint16_t port() const;
  std::string host() const;  // "127.0.0.1"

  // The messages accepted so far, oldest first (copies).
  std::vector<ReceivedMail> messages() const;
  // Blocks until at least `count` messages have been accepted since the
  // start (or the last Clear()); false when `timeout` passes first.
  bool WaitForMessages(size_t count, std::chrono::milliseconds timeout) const;
  // Forgets the messages accepted so far.
  void Clear();
  // Closes the listener and every session; idempotent. The messages stay.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtp_harness
