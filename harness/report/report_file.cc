#include "harness/report/report_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

namespace smtp {

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
