// docs/gradescope/run_autograder, run the way Gradescope runs it, through
// tests/fixtures/gradescope/run_local.sh: the reference client gets full
// marks, a faulty one partial credit with the reason in the test's output.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness/runner/process_runner.h"

namespace smtp {
namespace {

using nlohmann::json;

const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

json RunLocal(const std::string& client) {
  ProcessSpec spec;
  spec.argv = {"/bin/bash", kSource + "/tests/fixtures/gradescope/run_local.sh",
               kSource + "/tests/fixtures/clients/" + client};
  spec.env["SMTP_HARNESS"] = SMTP_HARNESS_BINARY;
  spec.env["LAB_TIMEOUT"] = "2s";
  auto p = MakePosixProcessRunner()->Start(spec);
  if (!p.ok()) {
    ADD_FAILURE() << p.status().message();
    return {};
  }
  EXPECT_TRUE((*p)->WaitExit(std::chrono::seconds(30)));
  ProcessOutcome o = (*p)->Stop(std::chrono::milliseconds(100));
  EXPECT_EQ(o.exit_code, 0) << o.stderr_text;
  try {
    return json::parse(o.stdout_text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what() << "\nstdout: " << o.stdout_text << "\nstderr: " << o.stderr_text;
    return {};
  }
}

TEST(GradeGradescopeLocal, ReferenceClientGetsFullMarks) {
  json r = RunLocal("lab_client.py");
  EXPECT_EQ(r.value("score", -1.0), 10.0);
  ASSERT_EQ(r["tests"].size(), 7u);
  for (const auto& t : r["tests"]) EXPECT_EQ(t.value("status", ""), "passed") << t.dump();
}

TEST(GradeGradescopeLocal, BareLfGetsPartialCreditAndSeesTheBytes) {
  json r = RunLocal("bare_lf.py");
  double score = r.value("score", -1.0);
  EXPECT_GT(score, 0.0);
  EXPECT_LT(score, 10.0);
  ASSERT_EQ(r["tests"].size(), 7u);
  const json& helo = r["tests"][0];
  EXPECT_EQ(helo.value("name", ""), "lab_strict: HELO (or EHLO) with a domain");
  EXPECT_EQ(helo.value("status", ""), "failed");
  EXPECT_EQ(helo.value("score", -1.0), 0.0);
  const std::string out = helo.value("output", "");
  EXPECT_NE(out.find("the line ended with a bare LF (\\n) instead of CRLF (\\r\\n): "
                     "\"HELO 127.0.0.1\\n\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("expected: HELO|EHLO ?*"), std::string::npos) << out;
}

TEST(GradeGradescopeLocal, MissingSubmissionFileIsExplained) {
  ProcessSpec spec;
  spec.argv = {"/bin/bash", kSource + "/tests/fixtures/gradescope/run_local.sh",
               "/nonexistent/smtp_client.py"};
  spec.env["SMTP_HARNESS"] = SMTP_HARNESS_BINARY;
  auto p = MakePosixProcessRunner()->Start(spec);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE((*p)->WaitExit(std::chrono::seconds(30)));
  ProcessOutcome o = (*p)->Stop(std::chrono::milliseconds(100));
  EXPECT_NE(o.exit_code, 0);  // run_local refuses: nothing to copy
  EXPECT_NE(o.stderr_text.find("/nonexistent/smtp_client.py"), std::string::npos) << o.stderr_text;
}

}  // namespace
}  // namespace smtp
