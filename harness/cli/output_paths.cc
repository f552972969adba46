#include "harness/cli/output_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "harness/util/descriptor_path.h"

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

}  // namespace

bool IsStandardOutput(const std::string& path) {
  if (path == "-") return true;
  if (auto fd = DescriptorNamed(path)) {
    if (*fd == STDOUT_FILENO) return true;
  }
  // The terminal, pipe, socket or file standard output is, under another
  // name: `--junit out.xml > out.xml`, or `--junit /dev/stderr 2>&1`. Opened
  // again, a file would be truncated under what standard output writes.
  struct stat out {
  }, st{}, null{};
  if (::fstat(STDOUT_FILENO, &out) != 0) return false;
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
