#include "harness/scenario/file_text.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "harness/scenario/yaml_reader.h"

namespace smtp {

Result<std::string> ReadScenarioText(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(path + ": is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string text;
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) {
      return Status::InvalidArgument(path + ": file is too large (more than " +
                                     std::to_string(kMaxScenarioBytes) + " bytes)");
    }
  }
  return text;
}

}  // namespace smtp
