#include "harness/report/report_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace smtp {

Status CheckReportPathWritable(const std::string& path, const char* what) {
  if (path == "-") return Status::Ok();
  auto cannot = [&](const std::string& why) {
    return Status::InvalidArgument(std::string("cannot write ") + what + " to " + path + ": " +
                                   why);
  };
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return cannot("it is a directory");
    if (!S_ISREG(st.st_mode)) {  // a device or FIFO is written in place
      return ::access(path.c_str(), W_OK) == 0 ? Status::Ok() : cannot(std::strerror(errno));
    }
  }
  std::string tmp = path + ".tmp";
  bool existed = ::access(tmp.c_str(), F_OK) == 0;
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return cannot(std::strerror(errno));
  ::close(fd);
  if (!existed) ::unlink(tmp.c_str());
  return Status::Ok();
}

Status WriteReportFile(const std::string& path, const std::string& contents, const char* what) {
  if (path == "-") {
    std::cout << contents << std::flush;
    return std::cout ? Status::Ok()
                     : Status::Io(std::string("cannot write ") + what + " to standard output");
  }
  // A device or pipe (/dev/null, /dev/stdout, a FIFO) is written directly:
  // renaming over it would replace it with a regular file.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    std::ofstream out(path, std::ios::binary);
    out << contents;
    out.flush();
    if (!out) {
      return Status::Io(std::string("cannot write ") + what + " to " + path + ": " +
                        std::strerror(errno));
    }
    return Status::Ok();
  }
  // A regular file is written next to the target and renamed, so an
  // interrupted run never leaves half a report where the last good one was.
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) {
      return Status::Io(std::string("cannot write ") + what + " to " + path + ": " +
                        std::strerror(errno));
    }
    out << contents;
    out.flush();
    if (!out) {
      int err = errno;
      std::remove(tmp.c_str());
      return Status::Io(std::string("cannot write ") + what + " to " + path + ": " +
                        std::strerror(err));
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return Status::Io(std::string("cannot write ") + what + " to " + path + ": " +
                      std::strerror(err));
  }
  return Status::Ok();
}

}  // namespace smtp
