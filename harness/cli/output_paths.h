// Refusing report paths that would destroy something (issue 17): a report
// path that names one of the inputs (`run s.yaml --report s.yaml`), or the
// same file as another report (`--report x --junit x`: only one would
// survive). Checked before anything runs; the caller exits 2.
//
// "The same file" is by identity when it exists (device and inode, so a
// symlink or a hard link to an input counts) and by normalised absolute path
// when it does not. Devices and pipes (/dev/null, /dev/stdout) may be
// named more than once; "-" (standard output) may not.
//
// Standard output takes one report at most: "-", /dev/stdout, /dev/fd/1,
// /proc/self/fd/1 (or a link to one of them, or the terminal, pipe or file
// that standard output is: `--junit out.xml > out.xml`, `--junit /dev/stderr
// 2>&1`) all land there, and two reports there would be one mixed stream
// (`--report - --junit /dev/stdout`).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/util/status.h"

namespace smtp::cli {

struct NamedPath {
  std::string flag;  // "--report", "--junit", ...; empty entries are skipped
  std::string path;
};

Status CheckOutputPaths(const std::vector<NamedPath>& outputs,
                        const std::vector<std::string>& inputs);

// True when writing `path` writes to this process's standard output: "-",
// a name of descriptor 1 (/dev/stdout, /dev/fd/1, /proc/self/fd/1,
// /proc/PID/fd/1, or a symlink to one), or the same terminal, pipe, socket
// or file as descriptor 1. /dev/null is never standard output (anyone may share it).
bool IsStandardOutput(const std::string& path);

// At most one of `outputs` goes to standard output; else the usage error
// names both flags and paths.
Status CheckOneStandardOutput(const std::vector<NamedPath>& outputs);

}  // namespace smtp::cli
