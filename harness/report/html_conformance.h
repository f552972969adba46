// The conformance matrix of the HTML report: one row per RFC section the
// scenarios name (`rfc:`), its counts, and one coloured cell per scenario
// linking to it, so a server's standing shows at a glance. From the JSON
// report's "conformance" array. Pure.
#pragma once

#include <map>
#include <string>

#include "harness/report/html_json.h"

namespace smtp::html {

struct ScenarioRef {
  std::string id;      // element id of the scenario's section
  std::string status;  // passed, failed, ...
};

// "" when the report has no conformance summary. `scenarios` maps names.
std::string RenderConformanceMatrix(const Json& report,
                                    const std::map<std::string, ScenarioRef>& scenarios);

}  // namespace smtp::html
