// Shell completion scripts (bash, zsh) generated from the CLI11 definition
// itself, so they cannot drift from `--help`: every command, every flag, and
// file names where a flag or argument takes a path.
#pragma once

#include <string>

namespace CLI {
class App;
}

namespace smtp::cli {

// `shell` is "bash" or "zsh"; "" for anything else.
std::string CompletionScript(const CLI::App& app, const std::string& shell);

}  // namespace smtp::cli
