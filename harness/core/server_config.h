// FakeServerConfig: how the fake SMTP server behaves. Plain data, no I/O and
// no YAML: the scenario loader fills it from a scenario's `server:` block (or
// `serve --config`), `serve` from its flags, tests in code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/util/duration.h"

namespace smtp {

// One fault-injection rule (SPEC §5 `rules:`). Rules are tried in order; the
// first that matches decides. Counters are per server, across sessions, so
// "first attempt 450, retry accepted" (greylisting) works over reconnects.
struct FaultRule {
  enum class On {
    kCommand,  // a command line matched by `when`
    kConnect,  // the greeting of a new connection
    kMessage,  // the end of a message (after the final dot or last BDAT)
  };
  enum class Action {
    kReply,       // send `reply` instead of the normal reply
    kDisconnect,  // send `reply` (if any), then close the connection
    kDropInData,  // answer normally (354), then close after `after_bytes` of message data
  };

  On on = On::kCommand;
  std::string when;  // glob on the command line ("RCPT TO:*"), or /regex/
  bool case_insensitive = true;
  std::optional<std::string> reply;  // "550 5.1.1 No such user"; "\n" separates lines
  Action action = Action::kReply;
  int times = 0;            // apply to the first N matches only (0: every match)
  int nth = 0;              // apply to the Nth match only (1-based; 0: not restricted)
  Duration delay{0};        // wait before replying
  size_t split_bytes = 0;   // write the reply in pieces of this many bytes ...
  Duration split_delay{0};  // ... with this pause between them
  size_t after_bytes = 0;   // kDropInData: message bytes to read before closing

  int source_line = 0;  // position in the scenario file, for messages
};

struct FakeServerConfig {
  std::string listen_host = "127.0.0.1";
  uint16_t port = 0;  // 0: an ephemeral port (embedded use)
  std::string hostname = "fake.smtp-harness.test";
  std::optional<std::string>
      greeting;  // full text after "220 "; default "<hostname> ESMTP smtp-harness"
  // EHLO keywords; nullopt means the defaults (PIPELINING, SIZE, 8BITMIME,
  // ENHANCEDSTATUSCODES, SMTPUTF8, CHUNKING, plus STARTTLS/AUTH when configured).
  std::optional<std::vector<std::string>> extensions;
  size_t max_message_size = 10 * 1024 * 1024;  // SIZE; 0 = no limit
  // false: SIZE is not advertised (the default list, grade's EHLO replies);
  // the limit still holds.
  bool advertise_size = true;
  size_t max_recipients = 100;
  size_t max_sessions = 1000;                      // excess connections get 421 and are closed
  Duration idle_timeout{std::chrono::minutes(5)};  // RFC 5321 §4.5.3.2 suggests 5 minutes
  // Deadlines that bytes do not reset (slowloris): from the server's last
  // reply, a whole command line must arrive within command_timeout, and a
  // whole message (DATA text or a BDAT chunk) within data_timeout.
  Duration command_timeout{std::chrono::minutes(5)};
  Duration data_timeout{std::chrono::minutes(10)};  // RFC 5321 §4.5.3.2.6
  // Concurrent sessions from one client address; more get 421. 0: half of
  // max_sessions, so one address can never take every slot.
  size_t max_sessions_per_client = 0;
  bool accept_bare_lf = false;  // otherwise a bare LF in a command gets 500
  // A bare LF or bare CR in DATA (SMTP smuggling, docs/fake-server.md).
  // Whatever the mode but kLax, only <CRLF>.<CRLF> ends the data.
  enum class BareNewlines {
    kReject,      // keep it as data; refuse the message (554, naming the bytes) at its end
    kDisconnect,  // 521 naming the bytes at once, then close (Postfix
                  // smtpd_forbid_bare_newline=reject)
    kNormalize,  // a bare LF ends a line as CRLF would; the message is accepted (Postfix normalize)
    kLax,        // a "." line ended by any LF ends the data (a smuggling-prone server)
  };
  BareNewlines bare_newlines = BareNewlines::kReject;  // accept_bare_lf alone means kLax
  // What the embedded server keeps in memory (a long-running `serve` keeps
  // neither: it writes messages to its maildir and prints transcripts).
  bool keep_messages = true;
  bool keep_transcripts = true;
  Duration write_timeout{std::chrono::seconds(30)};  // a client that does not read

  struct Auth {
    std::map<std::string, std::string> users;  // name -> password
    bool required = false;                     // MAIL before AUTH gets 530
    std::vector<std::string> mechanisms = {"PLAIN", "LOGIN"};
  } auth;

  struct Tls {
    bool starttls = false;  // advertise and accept STARTTLS
    bool implicit = false;  // TLS from the first byte (smtps)
    std::string cert_file;  // PEM; empty: a self-signed certificate made at start-up
    std::string key_file;
  } tls;

  std::vector<FaultRule> rules;
};

}  // namespace smtp
