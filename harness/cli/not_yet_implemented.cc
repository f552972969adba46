#include <iostream>

#include "harness/cli/commands.h"

namespace smtp::cli {

int NotYetImplemented(const char* command) {
  std::cerr << "smtp-harness " << command << ": not yet implemented in this version\n";
  return kExitHarness;
}

}  // namespace smtp::cli
