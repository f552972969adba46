// DescriptorNamed: which of this process's open descriptors a path names,
// if it is one of the names Linux gives them: /dev/stdin, /dev/stdout,
// /dev/stderr, /dev/fd/N, /proc/self/fd/N, /proc/thread-self/fd/N,
// /proc/PID/fd/N (PID ours), or a symlink (chain) to one of them.
//
// Such a name is a descriptor, not a file to replace: `--junit /dev/stderr`
// with standard error redirected to a file made /dev/stderr (a symlink to
// /proc/self/fd/2, itself a "link" to that file) look like a symlink to a
// regular file, and a report written by rename replaced /dev/stderr for the
// whole machine when run as root. Writers write to the descriptor instead.
#pragma once

#include <optional>
#include <string>

namespace smtp {

std::optional<int> DescriptorNamed(const std::string& path);

}  // namespace smtp
