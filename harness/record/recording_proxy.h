// RecordingProxy: `smtp-harness record`. Listens on a loopback address,
// relays each accepted client to the upstream server byte for byte (chunks
// are forwarded exactly as read, in both directions), and records the
// session's lines as a Transcript ('C', 'S', '*' notes).
//
// STARTTLS: without tls_intercept the 220 is relayed, a note says recording
// stopped there, and the rest is relayed blindly (encrypted). With it, the
// proxy completes TLS with the upstream (no verification: test servers) and
// with the client (a self-signed certificate made at start-up, the fake
// server's TLS context code), and keeps recording the decrypted session.
//
// The client's stream is followed by a ClientStream: command lines, message
// lines and BDAT chunks (recorded as 'B' entries holding the chunk's octets,
// right after their `BDAT` command line).
//
// Every read and write has a deadline (`timeout`): an idle side ends the
// session. Single-threaded io_context; sessions may overlap. Interrupt (from
// any thread, e.g. on SIGINT) stops accepting, ends the open sessions with a
// "recording interrupted" note and hands them to on_session, so nothing that
// was relayed is lost.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "harness/core/transcript.h"
#include "harness/util/duration.h"
#include "harness/util/status.h"

namespace smtp {

// The start of the note that ends a session cut off by Interrupt.
inline constexpr char kRecordingInterruptedNote[] = "recording interrupted: ";
// The start of the only note of a session whose upstream could not be
// reached (connect or TLS failed, or no answer within the timeout): the
// client got "421 4.4.0 ..." naming the problem; there is nothing to write.
inline constexpr char kTlsInterceptedNote[] = "TLS intercepted: ";
inline constexpr char kUpstreamUnreachableNote[] = "cannot reach the upstream server ";

struct RecordOptions {
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 1025;  // 0: ephemeral
  std::string upstream_host;
  uint16_t upstream_port = 25;
  bool upstream_implicit_tls = false;  // smtps://
  bool tls_intercept = false;
  std::string tls_cert_file, tls_key_file;  // empty: self-signed
  Duration timeout{std::chrono::seconds(60)};
  int sessions = 1;  // sessions to record before Serve returns
  // Bytes of one session kept for its scenario (client and server lines);
  // past it the rest is relayed but not recorded, and a note says so.
  size_t max_recorded_bytes = size_t{32} << 20;
};

class RecordingProxy {
 public:
  explicit RecordingProxy(RecordOptions options);
  ~RecordingProxy();
  RecordingProxy(const RecordingProxy&) = delete;
  RecordingProxy& operator=(const RecordingProxy&) = delete;

  // Binds the listener; returns the bound port.
  Result<uint16_t> Bind();
  // Accepts `sessions` clients and relays them; `on_session(n, transcript)`
  // runs after the n-th (1-based) ends. Returns once all have ended, or
  // with the first error of on_session or the listener.
  Status Serve(const std::function<Status(int, const Transcript&)>& on_session);
  // Thread-safe: stops Serve early (the transcript of open sessions is lost).
  void Stop();
  // Thread-safe: stops accepting and closes the open sessions, each ending
  // with the note "recording interrupted: <why>; ..."; on_session runs for
  // each of them, then Serve returns.
  void Interrupt(const std::string& why);

  // After Serve: whether Interrupt ended it, and how many clients connected.
  bool Interrupted() const;
  int SessionsStarted() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtp
