// `sessions: N` in server mode: a client that connects twice passes a
// two-session scenario; one that connects once fails with the count, and
// keeps the points of the session it did.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/runner/process_runner.h"

namespace smtp {
namespace {

using nlohmann::json;
const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

json GradeTwoSessions(const std::string& client, int* exit_code) {
  std::string report = std::filesystem::temp_directory_path() /
                       ("grade_sessions_" + std::to_string(getpid()) + client + ".json");
  ProcessSpec spec;
  spec.argv = {SMTP_HARNESS_BINARY,
               "grade",
               kSource + "/tests/fixtures/grade/two_sessions.yaml",
               "--report",
               report,
               "--client-env",  // keeps the source tree clean when not root
               "PYTHONDONTWRITEBYTECODE",
               "--",
               "/usr/bin/python3",
               kSource + "/tests/fixtures/clients/" + client};
  spec.env["PYTHONDONTWRITEBYTECODE"] = "1";
  auto p = MakePosixProcessRunner()->Start(spec);
  if (!p.ok()) {
    ADD_FAILURE() << p.status().message();
    return {};
  }
  EXPECT_TRUE((*p)->WaitExit(std::chrono::seconds(30)));
  ProcessOutcome o = (*p)->Stop(std::chrono::milliseconds(100));
  *exit_code = o.exit_code.value_or(-1);
  std::ifstream in(report);
  std::stringstream ss;
  ss << in.rdbuf();
  std::filesystem::remove(report);
  try {
    return json::parse(ss.str())["scenarios"][0];
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what() << "\n" << o.stdout_text << o.stderr_text;
    return {};
  }
}

TEST(GradeSessions, ClientConnectingTwicePasses) {
  int exit_code = -1;
  json r = GradeTwoSessions("twice.py", &exit_code);
  EXPECT_EQ(exit_code, 0) << r.dump(1);
  EXPECT_EQ(r.value("status", ""), "passed");
  ASSERT_EQ(r["steps"].size(), 14u);  // 7 steps per session
  EXPECT_EQ(r["steps"][7].value("name", ""), "session 2: step 0");
  EXPECT_EQ(r.value("score", -1.0), 4.0);
}

TEST(GradeSessions, ClientConnectingOnceFailsWithTheCount) {
  int exit_code = -1;
  json r = GradeTwoSessions("lab_client.py", &exit_code);
  EXPECT_EQ(exit_code, 1);
  EXPECT_EQ(r["failure"].value("message", ""),
            kSource +
                "/tests/fixtures/grade/two_sessions.yaml: expected 2 sessions, the client "
                "made 1 (the client exited with code 0)");
  EXPECT_EQ(r.value("score", -1.0), 2.0);  // the first session's half
  EXPECT_EQ(r["steps"][8].value("status", ""), "not_run");
}

}  // namespace
}  // namespace smtp
