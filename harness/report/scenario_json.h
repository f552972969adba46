// One scenario as the JSON report's object (json_report.cc), for writers
// inside harness/report that draw from the same data as the report: the
// HTML of Gradescope's per-test output. Internal to harness/report: the JSON
// library stays out of other modules' headers.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/report/run_result.h"

namespace smtp {

nlohmann::ordered_json ScenarioToJson(const ScenarioResult& scenario);

}  // namespace smtp
