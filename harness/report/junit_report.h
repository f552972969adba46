// JUnit XML for CI systems (GitHub Actions, GitLab, Jenkins): one testcase
// per scenario, classname from the scenario's file path ("scenarios/a/b.yaml"
// -> "scenarios.a.b"), the failure message and the transcript inside
// <failure>/<error>, <skipped/> for skipped scenarios.
#pragma once

#include <string>

#include "harness/report/run_result.h"
#include "harness/util/status.h"

namespace smtp {

std::string RenderJunitReport(const RunResult& run);
Status WriteJunitReport(const RunResult& run, const std::string& path);

// "scenarios/a/b.yaml" -> "scenarios.a.b"; exposed for tests.
std::string JunitClassName(const std::string& file);

}  // namespace smtp
