// FakeServer: the bundled SMTP server, embedded in-process.
//
// Start() binds (port 0: an ephemeral port) and serves on a background thread
// with its own single-threaded io_context; Stop() closes the acceptor and all
// sessions and joins. Received messages and session transcripts are kept in
// memory and can be read at any time (thread-safe copies). `serve` stores
// them in a maildir as well (see its options in the config).
// Every accepted message is stored before its 250 is sent.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/core/server_config.h"
#include "harness/core/session_logic.h"
#include "harness/core/transcript.h"
#include "harness/util/status.h"

namespace smtp {

class FakeServer {
 public:
  // The RFC 5321 server configured by `config`.
  explicit FakeServer(FakeServerConfig config);
  // A server whose sessions run `logic` (server mode's scripted sessions);
  // `config` still gives the listener, limits and TLS.
  FakeServer(FakeServerConfig config, SessionLogicFactory logic);
  ~FakeServer();  // stops if running
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // Binds and starts serving; returns the bound port.
  Result<uint16_t> Start();
  void Stop();

  uint16_t port() const;
  std::vector<ReceivedMessage> Messages() const;
  std::vector<Transcript> Transcripts() const;  // one per session, in start order
  int SessionsStarted() const;                  // connections accepted so far
  int SessionsActive() const;                   // connections still open
  int MessagesAccepted() const;                 // also counts messages not kept (keep_messages off)

  // Optional hooks, set before Start(); they run on the server's thread.
  // The message sink runs before the 250 (a failure answers 451): `serve`
  // writes its maildir here. The transcript sink sees every entry as it is
  // recorded (`serve -v`), also when keep_transcripts is off.
  void SetMessageSink(std::function<Status(const ReceivedMessage&)> sink);
  void SetTranscriptSink(std::function<void(int session, const TranscriptEntry&)> sink);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtp
