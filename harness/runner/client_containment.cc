#include "harness/runner/client_containment.h"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "harness/runner/process_tree.h"

namespace smtp {
namespace {

bool AllDigits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

Status ResolveUser(const std::string& user, uid_t& uid, gid_t& gid) {
  size_t colon = user.find(':');
  std::string name = user.substr(0, colon);
  if (AllDigits(name)) {
    uid = static_cast<uid_t>(std::strtoul(name.c_str(), nullptr, 10));
    gid = uid;
    if (passwd* pw = getpwuid(uid)) gid = pw->pw_gid;
  } else {
    passwd* pw = getpwnam(name.c_str());
    if (!pw) return Status::InvalidArgument("--client-user: no such user '" + name + "'");
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  if (colon != std::string::npos) {
    std::string g = user.substr(colon + 1);
    if (!AllDigits(g)) {
      return Status::InvalidArgument("--client-user: expected USER, UID or UID:GID, got '" + user +
                                     "'");
    }
    gid = static_cast<gid_t>(std::strtoul(g.c_str(), nullptr, 10));
  }
  return Status::Ok();
}

}  // namespace

Result<rlim_t> ParseCount(const std::string& text) {
  if (text == "unlimited" || text == "0") return rlim_t{0};
  if (!AllDigits(text) || text.size() > 18) {
    return Status::InvalidArgument("expected a number or 'unlimited', got '" + text + "'");
  }
  return static_cast<rlim_t>(std::strtoull(text.c_str(), nullptr, 10));
}

Result<rlim_t> ParseByteSize(const std::string& text) {
  if (text == "unlimited" || text == "0") return rlim_t{0};
  std::string digits = text;
  rlim_t unit = 1;
  if (!digits.empty() && !std::isdigit(static_cast<unsigned char>(digits.back()))) {
    switch (std::toupper(static_cast<unsigned char>(digits.back()))) {
      case 'K':
        unit = 1ull << 10;
        break;
      case 'M':
        unit = 1ull << 20;
        break;
      case 'G':
        unit = 1ull << 30;
        break;
      default:
        unit = 0;
    }
    digits.pop_back();
  }
  if (unit == 0 || !AllDigits(digits) || digits.size() > 12) {
    return Status::InvalidArgument("expected a size such as 4G, 512M, 64K or 'unlimited', got '" +
                                   text + "'");
  }
  return static_cast<rlim_t>(std::strtoull(digits.c_str(), nullptr, 10)) * unit;
}

Status ApplyContainment(const ClientContainment& c, uint16_t port, ProcessSpec& spec) {
  const bool root = geteuid() == 0;
  std::optional<std::string> user = c.user;
  if (!user && root) user = "nobody";
  uid_t run_uid = geteuid();
  if (user) {
    uid_t uid = 0;
    gid_t gid = 0;
    Status s = ResolveUser(*user, uid, gid);
    if (!s.ok()) return s;
    if (!root && uid != geteuid()) {
      return Status::InvalidArgument("--client-user " + *user +
                                     ": running the client as another user needs root (grade "
                                     "runs as uid " +
                                     std::to_string(geteuid()) + ")");
    }
    if (root) {
      spec.uid = uid;
      spec.gid = gid;
    }
    run_uid = uid;
  }

  spec.inherit_env = false;
  spec.env.clear();
  const char* path = getenv("PATH");
  spec.env["PATH"] = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  if (const char* lang = getenv("LANG")) spec.env["LANG"] = lang;
  spec.env["SMTP_HARNESS_PORT"] = std::to_string(port);
  for (const std::string& entry : c.env) {
    size_t eq = entry.find('=');
    std::string name = entry.substr(0, eq);
    bool valid = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
    for (char ch : name)
      valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!valid) {
      return Status::InvalidArgument("--client-env: expected NAME or NAME=VALUE, got '" + entry +
                                     "'");
    }
    if (eq != std::string::npos) {
      spec.env[name] = entry.substr(eq + 1);
    } else if (const char* v = getenv(name.c_str())) {
      spec.env[name] = v;
    }
  }
  spec.scratch_home = true;  // HOME: set by the runner

  spec.isolation = c.isolation;
  spec.limits.clear();
  const ClientLimits& l = c.limits;
  if (l.processes > 0) {
    // NPROC counts every process of the user: when the client runs as the
    // harness's own user, what that user already runs is not the client's.
    rlim_t base = (!spec.uid || *spec.uid == geteuid()) && run_uid != 0
                      ? static_cast<rlim_t>(CountProcessesOf(run_uid))
                      : 0;
    spec.limits.push_back({RLIMIT_NPROC, base + l.processes});
  }
  if (l.address_space > 0) spec.limits.push_back({RLIMIT_AS, l.address_space});
  if (l.file_size > 0) spec.limits.push_back({RLIMIT_FSIZE, l.file_size});
  if (l.open_files > 0) spec.limits.push_back({RLIMIT_NOFILE, l.open_files});
  if (l.cpu_seconds > 0) spec.limits.push_back({RLIMIT_CPU, l.cpu_seconds});
  // Never above what the harness itself may have (only root can raise a
  // hard limit).
  for (ResourceLimit& limit : spec.limits) {
    rlimit current{};
    if (getrlimit(limit.resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
      limit.value = std::min(limit.value, current.rlim_max);
    }
  }
  return Status::Ok();
}

}  // namespace smtp
