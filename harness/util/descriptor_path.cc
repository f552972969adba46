#include "harness/util/descriptor_path.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <string_view>

namespace smtp {
namespace {

std::optional<int> Number(std::string_view s) {
  int n = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || n < 0) return std::nullopt;
  return n;
}

// The descriptor a name (absolute, normalised) stands for, as written.
std::optional<int> AsWritten(const std::string& s) {
  if (s == "/dev/stdin") return 0;
  if (s == "/dev/stdout") return 1;
  if (s == "/dev/stderr") return 2;
  const std::string ours = "/proc/" + std::to_string(::getpid()) + "/fd/";
  for (std::string_view dir : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/"),
                               std::string_view("/proc/thread-self/fd/"), std::string_view(ours)}) {
    if (s.size() > dir.size() && s.compare(0, dir.size(), dir) == 0) {
      return Number(std::string_view(s).substr(dir.size()));
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<int> DescriptorNamed(const std::string& path) {
  if (path.empty() || path == "-") return std::nullopt;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  if (ec) return std::nullopt;
  // Follow the links by hand, stopping at a descriptor's name (following
  // /proc/self/fd/N itself would land on whatever it points to).
  for (int hops = 0; hops < 40; ++hops) {
    if (auto fd = AsWritten(p.lexically_normal().string())) return fd;
    // A directory on the way may be a link itself (/dev/fd -> /proc/self/fd).
    fs::path dir = fs::canonical(p.parent_path(), ec);
    if (!ec) {
      if (auto fd = AsWritten((dir / p.filename()).lexically_normal().string())) return fd;
    }
    if (!fs::is_symlink(p, ec)) break;
    fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  return std::nullopt;
}

}  // namespace smtp
