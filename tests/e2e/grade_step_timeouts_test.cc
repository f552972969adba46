// Server mode waits for each command as long as the step expecting it
// allows: a scenario whose default timeout is short and one later step's is
// long fails a client that stalls at the first command after the short one
// (and says so), instead of waiting the longest timeout in the file.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/runner/process_runner.h"

namespace smtp {
namespace {

using nlohmann::json;
const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

TEST(GradeStepTimeouts, ClientStallingAtTheFirstCommandFailsAfterThatStepsTimeout) {
  const std::string scenario = kSource + "/tests/fixtures/grade/step_timeouts.yaml";
  const std::string report = std::filesystem::temp_directory_path() /
                             ("grade_step_timeouts_" + std::to_string(getpid()) + ".json");
  ProcessSpec spec;
  // Connects, then says nothing (bash, not python: it connects within the
  // scenario's short timeout even on a loaded machine).
  spec.argv = {SMTP_HARNESS_BINARY,
               "grade",
               scenario,
               "--report",
               report,
               "--no-color",
               "--",
               "/bin/bash",
               "-c",
               "exec 3<>/dev/tcp/127.0.0.1/$SMTP_HARNESS_PORT && exec sleep 60"};
  auto start = std::chrono::steady_clock::now();
  auto p = MakePosixProcessRunner()->Start(spec);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE((*p)->WaitExit(std::chrono::seconds(60)));
  ProcessOutcome o = (*p)->Stop(std::chrono::milliseconds(100));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  EXPECT_EQ(o.exit_code.value_or(-1), 1) << o.stdout_text << o.stderr_text;
  // 500ms for the HELO step; the expect_data step's 20s must not apply to
  // it. Generous bounds: a loaded CI runs timers and processes late.
  EXPECT_GE(seconds, 0.4);
  EXPECT_LT(seconds, 10) << "waited for the long step's timeout instead of the HELO step's";
  std::ifstream in(report);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(report);
  json r;
  try {
    r = json::parse(ss.str())["scenarios"][0];
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << o.stdout_text << o.stderr_text;
  }
  EXPECT_EQ(r.value("status", ""), "failed");
  ASSERT_TRUE(r.contains("failure")) << r.dump(1);
  EXPECT_EQ(r["failure"].value("step", -1), 1);
  const std::string message = r["failure"].value("message", "");
  EXPECT_EQ(message.rfind(scenario + ":10: step 1 (expect): no data from the client within 500ms; "
                                     "expected HELO|EHLO *",
                          0),
            0u)
      << message;
  EXPECT_EQ(r["steps"][1].value("status", ""), "failed");
  EXPECT_EQ(r["steps"][5].value("status", ""), "not_run") << r["steps"][5].dump();
}

}  // namespace
}  // namespace smtp
