#include "harness/report/report_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <vector>

#include "harness/util/descriptor_path.h"

namespace smtp {
namespace {

Status WriteFailed(const char* what, const std::string& path, int err) {
  return Status::Io(std::string("cannot write ") + what + " to " + path + ": " +
                    std::strerror(err));
}

bool WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// A terminal, pipe or /dev/null (also reached through a symlink such as
// /dev/stdout) is written in place: renaming over it would replace it.
Status WriteInPlace(const std::string& path, const std::string& contents, const char* what) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return WriteFailed(what, path, errno);
  bool ok = WriteAll(fd, contents);
  int err = errno;
  ::close(fd);
  return ok ? Status::Ok() : WriteFailed(what, path, err);
}

// A fresh file next to `path` (mkstemp: O_CREAT|O_EXCL, and O_NOFOLLOW, so
// nobody's planted file or symlink is followed): ".NAME.XXXXXX". Returns the
// open descriptor (or -1 with errno) and its name in `name`.
int CreateTempBeside(const std::string& path, std::string& name) {
  std::filesystem::path target(path);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : ".";
  std::string tmpl = dir + "/." + target.filename().string() + ".XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkostemp(buf.data(), O_CLOEXEC | O_NOFOLLOW);
  name = buf.data();
  return fd;
}

// A descriptor of ours, by one of its names (/dev/stderr, /proc/self/fd/3):
// written to as the shell's `>&N` would, never replaced (renaming over
// /dev/stderr replaced it for everyone when /dev/stderr went to a file).
Status WriteToDescriptor(int fd, const std::string& path, const std::string& contents,
                         const char* what) {
  if (fd == STDOUT_FILENO) std::cout.flush();
  if (fd == STDERR_FILENO) std::cerr.flush();
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return WriteFailed(what, path, errno);
  if ((flags & O_ACCMODE) == O_RDONLY) return WriteFailed(what, path, EBADF);
  return WriteAll(fd, contents) ? Status::Ok() : WriteFailed(what, path, errno);
}

}  // namespace

Status CheckReportPathWritable(const std::string& path, const char* what) {
  if (path == "-") return Status::Ok();
  auto cannot = [&](const std::string& why) {
    return Status::InvalidArgument(std::string("cannot write ") + what + " to " + path + ": " +
                                   why);
  };
  if (auto fd = DescriptorNamed(path)) {
    int flags = ::fcntl(*fd, F_GETFL);
    if (flags < 0) return cannot(std::strerror(errno));
    if ((flags & O_ACCMODE) == O_RDONLY)
      return cannot("descriptor " + std::to_string(*fd) + " is not open for writing");
    return Status::Ok();
  }
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return cannot("it is a directory");
    if (!S_ISREG(st.st_mode)) {  // a device or FIFO is written in place
      return ::access(path.c_str(), W_OK) == 0 ? Status::Ok() : cannot(std::strerror(errno));
    }
  }
  // The probe is made as the writer makes its file (mkstemp beside the
  // target): never through a planted name such as PATH.tmp.
  std::string probe;
  int fd = CreateTempBeside(path, probe);
  if (fd < 0) return cannot(std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

Status WriteReportFile(const std::string& path, const std::string& contents, const char* what) {
  if (path == "-") {
    std::cout << contents << std::flush;
    return std::cout ? Status::Ok()
                     : Status::Io(std::string("cannot write ") + what + " to standard output");
  }
  if (auto fd = DescriptorNamed(path)) return WriteToDescriptor(*fd, path, contents, what);
  struct stat link_st {};
  if (::lstat(path.c_str(), &link_st) == 0) {
    struct stat st {};
    bool target = ::stat(path.c_str(), &st) == 0;
    if (S_ISCHR(link_st.st_mode) || S_ISFIFO(link_st.st_mode) ||
        (S_ISLNK(link_st.st_mode) && target && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)))) {
      return WriteInPlace(path, contents, what);
    }
    if (!S_ISREG(link_st.st_mode) && !S_ISLNK(link_st.st_mode)) {
      return Status::Io(std::string("cannot write ") + what + " to " + path +
                        ": not a regular file");
    }
    // A symlink to anything else (a file, nothing, a disk) is replaced by
    // the report; its target is never written (docs/reports.md).
  }
  // The report is written to a fresh file next to the target and renamed
  // over it: an interrupted run never leaves half a report.
  std::string tmp;
  int fd = CreateTempBeside(path, tmp);
  if (fd < 0) return WriteFailed(what, path, errno);
  // A report that is replaced keeps its mode (one kept private stays so);
  // a new one gets what an ordinary create would give it (mkstemp: 0600).
  struct stat old_st {};
  if (::lstat(path.c_str(), &old_st) == 0 && S_ISREG(old_st.st_mode)) {
    ::fchmod(fd, old_st.st_mode & 07777);
  } else {
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
  }
  bool ok = WriteAll(fd, contents);
  int err = errno;
  if (::close(fd) != 0 && ok) {
    ok = false;
    err = errno;
  }
  if (!ok) {
    ::unlink(tmp.c_str());
    return WriteFailed(what, path, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    ::unlink(tmp.c_str());
    return WriteFailed(what, path, err);
  }
  return Status::Ok();
}

}  // namespace smtp
