// Refusing report paths that would destroy something (issue 17): a report
// path that names one of the inputs (`run s.yaml --report s.yaml`), or the
// same file as another report (`--report x --junit x`: only one would
// survive). Checked before anything runs; the caller exits 2.
//
// "The same file" is by identity when it exists (device and inode, so a
// symlink or a hard link to an input counts) and by normalised absolute path
// when it does not. Devices and pipes (/dev/null, /dev/stdout) may be
// named more than once; "-" (standard output) may not.
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

}  // namespace smtp::cli
