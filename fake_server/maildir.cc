#include "fake_server/maildir.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>

namespace smtp {
namespace {

std::string Format(const char* fmt) {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, fmt, &tm);
  return buf;
}

// Opens DIR and fsyncs it, so a rename or link into it survives a crash.
Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Io("cannot open " + dir + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::Io("cannot sync " + dir + ": " + std::strerror(err));
  return Status::Ok();
}

// Writes `bytes` to `tmp` (created with O_EXCL: never someone else's file),
// syncs it and links it to `final_path`, which must not exist: link(2)
// fails with EEXIST instead of replacing a message (rename would). The
// directory holding `final_path` is synced by the caller.
Status WriteAtomically(const std::string& tmp, const std::string& final_path,
                       const std::string& bytes, bool* exists) {
  *exists = false;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) {
    *exists = errno == EEXIST;
    return Status::Io("cannot create " + tmp + ": " + std::strerror(errno));
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io("cannot write " + tmp + ": " + err);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return Status::Io("cannot flush " + tmp + ": " + std::strerror(errno));
  }
  if (::link(tmp.c_str(), final_path.c_str()) != 0) {
    *exists = errno == EEXIST;
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::Io("cannot link " + tmp + " to " + final_path + ": " + err);
  }
  ::unlink(tmp.c_str());
  return Status::Ok();
}

// The host part of a Maildir name: '/' and ':' would break the name (and
// ':' starts Maildir flags), so they are written as \057 and \072.
std::string HostPart() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  std::string out;
  for (const char* p = buf; *p; ++p) {
    if (*p == '/') {
      out += "\\057";
    } else if (*p == ':') {
      out += "\\072";
    } else if (*p == '.') {
      out += '_';  // the name's own separator
    } else {
      out += *p;
    }
  }
  return out;
}

std::string RandomHex() {
  unsigned char bytes[8] = {};
  if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // No entropy source: the clock's nanoseconds still differ between hosts.
    auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    std::memcpy(bytes, &ns, std::min(sizeof bytes, sizeof ns));
  }
  char hex[17];
  for (size_t i = 0; i < sizeof bytes; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

}  // namespace

std::string UtcTimestamp() { return Format("%Y-%m-%dT%H:%M:%SZ"); }

Result<std::unique_ptr<Maildir>> Maildir::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir) / ".tmp", ec);
  if (ec) return Status::Io("cannot create maildir " + dir + ": " + ec.message());
  return std::unique_ptr<Maildir>(new Maildir(dir, HostPart()));
}

// The Maildir convention (time, a unique part, the host), in a form that
// sorts by arrival: "20260101T120000.123456Z.P42Q000001R9f3c....host". The pid
// alone is not unique across containers (each may be pid 1) and the
// sequence restarts with each process; the random part is, and the host
// name separates machines sharing a network file system.
std::string Maildir::NewName() {
  auto now = std::chrono::system_clock::now();
  auto usec = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()) %
              std::chrono::seconds(1);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06ldZ", static_cast<long>(usec.count()));
  char seq[24];
  std::snprintf(seq, sizeof seq, "Q%06lu", ++seq_);
  return Format("%Y%m%dT%H%M%S") + frac + ".P" + std::to_string(::getpid()) + seq + "R" +
         RandomHex() + "." + host_;
}

Result<std::string> Maildir::Store(const ReceivedMessage& m) {
  std::string envelope = "received_at: " + UtcTimestamp() + "\n";
  envelope += "session: " + std::to_string(m.session) + "\n";
  envelope += "helo: " + m.helo + "\n";
  envelope += "mail_from: " + m.mail_from + "\n";
  for (const auto& r : m.rcpt_to) envelope += "rcpt_to: " + r + "\n";
  envelope += std::string("tls: ") + (m.tls ? "yes" : "no") + "\n";
  envelope += "auth_user: " + m.auth_user + "\n";
  envelope += "size: " + std::to_string(m.data.size()) + "\n";
  // A name that exists already (which the random part makes all but
  // impossible) is never overwritten: link() says EEXIST, and a new name is
  // tried.
  for (int attempt = 0;; ++attempt) {
    std::string name = NewName();
    std::string tmp = dir_ + "/.tmp/" + name;
    std::string final_base = dir_ + "/" + name;
    bool exists = false;
    Status s = WriteAtomically(tmp + ".envelope", final_base + ".envelope", envelope, &exists);
    if (!s.ok() && exists && attempt < 3) continue;
    if (!s.ok()) return s;
    s = WriteAtomically(tmp + ".eml", final_base + ".eml", m.data, &exists);
    if (!s.ok()) {
      ::unlink((final_base + ".envelope").c_str());
      if (exists && attempt < 3) continue;
      return s;
    }
    if (s = SyncDirectory(dir_); !s.ok()) return s;
    return final_base + ".eml";
  }
}

}  // namespace smtp
