#include "harness/cli/output_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace smtp::cli {
namespace {

struct Identity {
  bool exists = false;
  bool special = false;  // a device, pipe or socket: may be shared
  dev_t dev = 0;
  ino_t ino = 0;
  std::string path;  // normalised absolute path, when it does not exist

  bool Same(const Identity& o) const {
    if (exists != o.exists) return false;
    return exists ? dev == o.dev && ino == o.ino : path == o.path;
  }
};

Identity IdentityOf(const std::string& p) {
  Identity id;
  struct stat st {};
  if (p != "-" && ::stat(p.c_str(), &st) == 0) {
    id.exists = true;
    id.special = !S_ISREG(st.st_mode);
    id.dev = st.st_dev;
    id.ino = st.st_ino;
    return id;
  }
  std::error_code ec;
  auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(p, ec), ec);
  id.path = p == "-" ? "-" : abs.lexically_normal().string();
  return id;
}

// /dev/stdout and its kin, as written (normalised, absolute).
bool NamesDescriptorOne(const std::filesystem::path& p) {
  const std::string s = p.lexically_normal().string();
  return s == "/dev/stdout" || s == "/dev/fd/1" || s == "/proc/self/fd/1" ||
         s == "/proc/thread-self/fd/1" || s == "/proc/" + std::to_string(::getpid()) + "/fd/1";
}

}  // namespace

bool IsStandardOutput(const std::string& path) {
  if (path == "-") return true;
  namespace fs = std::filesystem;
  std::error_code ec;
  // Follow the links by hand, stopping at a name of descriptor 1 (following
  // /proc/self/fd/1 itself would land on whatever it points to).
  fs::path p = fs::absolute(path, ec);
  if (ec) return false;
  for (int hops = 0; hops < 40; ++hops) {
    if (NamesDescriptorOne(p)) return true;
    if (!fs::is_symlink(p, ec)) break;
    fs::path target = fs::read_symlink(p, ec);
    if (ec) break;
    p = target.is_absolute() ? target : p.parent_path() / target;
  }
  // The terminal, pipe or socket standard output is, under another name.
  struct stat out {
  }, st{}, null{};
  if (::fstat(STDOUT_FILENO, &out) != 0 || S_ISREG(out.st_mode)) return false;
  if (::stat(path.c_str(), &st) != 0 || st.st_dev != out.st_dev || st.st_ino != out.st_ino) {
    return false;
  }
  return !(::stat("/dev/null", &null) == 0 && null.st_dev == st.st_dev && null.st_ino == st.st_ino);
}

Status CheckOneStandardOutput(const std::vector<NamedPath>& outputs) {
  const NamedPath* first = nullptr;
  for (const auto& out : outputs) {
    if (out.path.empty() || !IsStandardOutput(out.path)) continue;
    if (first) {
      return Status::InvalidArgument(first->flag + " " + first->path + " and " + out.flag + " " +
                                     out.path +
                                     " both write to standard output, where the two reports "
                                     "would be mixed: give one of them a file");
    }
    first = &out;
  }
  return Status::Ok();
}

Status CheckOutputPaths(const std::vector<NamedPath>& outputs,
                        const std::vector<std::string>& inputs) {
  std::vector<std::pair<const NamedPath*, Identity>> seen;
  std::vector<Identity> input_ids;
  for (const auto& in : inputs) input_ids.push_back(IdentityOf(in));
  for (const auto& out : outputs) {
    if (out.path.empty()) continue;
    Identity id = IdentityOf(out.path);
    if (id.special) continue;
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (id.exists && id.Same(input_ids[i])) {
        return Status::InvalidArgument(out.flag + " " + out.path + " is the input " + inputs[i] +
                                       ": writing the report would overwrite it");
      }
    }
    for (const auto& [other, other_id] : seen) {
      if (id.Same(other_id)) {
        return Status::InvalidArgument(out.flag + " " + out.path + " and " + other->flag + " " +
                                       other->path +
                                       " name the same file: only one report would be kept");
      }
    }
    seen.emplace_back(&out, id);
  }
  return Status::Ok();
}

}  // namespace smtp::cli
