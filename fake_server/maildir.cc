#include "fake_server/maildir.h"

#include <fcntl.h>
#include <unistd.h>

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

// Writes `bytes` to `tmp`, syncs it and renames it to `final_path`.
Status WriteAtomically(const std::string& tmp, const std::string& final_path,
                       const std::string& bytes) {
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot create " + tmp + ": " + std::strerror(errno));
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
  if (std::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Io("cannot rename " + tmp + " to " + final_path + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace

std::string UtcTimestamp() { return Format("%Y-%m-%dT%H:%M:%SZ"); }

Result<std::unique_ptr<Maildir>> Maildir::Open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir) / ".tmp", ec);
  if (ec) return Status::Io("cannot create maildir " + dir + ": " + ec.message());
  return std::unique_ptr<Maildir>(new Maildir(dir));
}

Result<std::string> Maildir::Store(const ReceivedMessage& m) {
  char seq[32];
  std::snprintf(seq, sizeof seq, "-%d-%06lu", static_cast<int>(::getpid()), ++seq_);
  std::string name = Format("%Y%m%dT%H%M%SZ") + seq;
  std::string envelope = "received_at: " + UtcTimestamp() + "\n";
  envelope += "session: " + std::to_string(m.session) + "\n";
  envelope += "helo: " + m.helo + "\n";
  envelope += "mail_from: " + m.mail_from + "\n";
  for (const auto& r : m.rcpt_to) envelope += "rcpt_to: " + r + "\n";
  envelope += std::string("tls: ") + (m.tls ? "yes" : "no") + "\n";
  envelope += "auth_user: " + m.auth_user + "\n";
  envelope += "size: " + std::to_string(m.data.size()) + "\n";
  std::string tmp = dir_ + "/.tmp/" + name;
  std::string final_base = dir_ + "/" + name;
  if (auto s = WriteAtomically(tmp + ".envelope", final_base + ".envelope", envelope); !s.ok()) {
    return s;
  }
  if (auto s = WriteAtomically(tmp + ".eml", final_base + ".eml", m.data); !s.ok()) return s;
  return final_base + ".eml";
}

}  // namespace smtp
