#include "harness/runner/result_header.h"

namespace smtp {

ScenarioResult ResultHeader(const Scenario& scenario) {
  ScenarioResult r;
  r.name = scenario.name;
  r.file = scenario.file;
  r.description = scenario.description;
  r.tags = scenario.tags;
  r.rfc = scenario.rfc;
  r.mode = scenario.mode == ScenarioMode::kServer ? "server" : "client";
  return r;
}

}  // namespace smtp
