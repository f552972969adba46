// libFuzzer target: ScenarioLoader::LoadString on arbitrary YAML text. It
// must answer with a scenario or diagnostics, never crash, hang or blow up
// (aliases, nesting and size are capped by the loader). No file access:
// data files are not checked and the environment is empty.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "harness/scenario/scenario_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const smtp::ScenarioLoader loader([] {
    smtp::LoadOptions o;
    o.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    o.check_data_files = false;
    return o;
  }());
  std::string yaml(reinterpret_cast<const char*>(data), size);
  auto result = loader.LoadString(yaml, "fuzz.yaml", "/nonexistent");
  if (!result.ok() && result.diagnostics.empty()) std::abort();  // an error must say why
  (void)result.ErrorText();
  return 0;
}
