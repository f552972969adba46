#include "harness/cli/output_paths.h"

#include <sys/stat.h>

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

}  // namespace

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
