// Maildir: where `smtp-harness serve --maildir DIR` keeps accepted messages.
//
// Each message is stored as DIR/NAME.eml holding exactly the bytes received
// (CRLF lines, dot-unstuffed, 8-bit intact, no added headers). Its envelope
// goes to DIR/NAME.envelope beside it, one "key: value" line each
// (received_at, session, helo, mail_from, rcpt_to (repeated), tls,
// auth_user, size). Both are written to DIR/.tmp/ first (O_EXCL), flushed
// to disk and linked into place, envelope first, and then DIR is fsync'd: a
// visible .eml is always complete and always has its envelope, and an
// existing file is never replaced. NAME follows the Maildir convention
// (time, a unique part, the host) and sorts in arrival order:
// "20260101T120000.123456Z.P<pid>Q<seq>R<random>.<host>"; several servers
// (processes, containers with the same pid, hosts) may share one DIR.
// Thread-safe.
#pragma once

#include <atomic>
#include <string>

#include "fake_server/fake_server.h"
#include "harness/util/status.h"

namespace smtp {

class Maildir {
 public:
  // Creates DIR and DIR/.tmp if needed.
  static Result<std::unique_ptr<Maildir>> Open(const std::string& dir);

  // Stores one message; returns the path of its .eml file.
  Result<std::string> Store(const ReceivedMessage& message);

 private:
  Maildir(std::string dir, std::string host) : dir_(std::move(dir)), host_(std::move(host)) {}
  std::string NewName();
  std::string dir_;
  std::string host_;
  std::atomic<unsigned long> seq_{0};
};

// "2026-01-01T12:00:00Z" (UTC, now).
std::string UtcTimestamp();

}  // namespace smtp
