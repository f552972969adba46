#include "harness/report/junit_report.h"

#include <gtest/gtest.h>

#include "tests/report/report_fixtures.h"

namespace smtp {
namespace {

TEST(JunitReport, ClassNameFromFilePath) {
  EXPECT_EQ(JunitClassName("scenarios/sub/reject.yaml"), "scenarios.sub.reject");
  EXPECT_EQ(JunitClassName("./a.yml"), "a");
  EXPECT_EQ(JunitClassName(""), "smtp-harness");
}

TEST(JunitReport, OneTestcasePerScenario) {
  std::string xml = RenderJunitReport(testing::SampleRun());
  EXPECT_NE(xml.find("<testsuites name=\"smtp-harness\" tests=\"3\" failures=\"1\" errors=\"0\" "
                     "skipped=\"1\" time=\"0.013\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"basic_send\" classname=\"scenarios.basic_send\" "
                     "file=\"scenarios/basic_send.yaml\" time=\"0.003\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"reject &lt;rcpt&gt; &amp; co\" "
                     "classname=\"scenarios.sub.reject\""),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"scenarios/sub/reject.yaml:7: step 1 (send): expected "
                     "250, got 550 5.1.1 No such user\" type=\"failed\">"),
            std::string::npos);
  EXPECT_NE(xml.find("C: RCPT TO:&lt;x@y&gt;"), std::string::npos);
  // Control bytes cannot appear in XML 1.0, even escaped.
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"server did not advertise CHUNKING\"/>"),
            std::string::npos);
}

TEST(JunitReport, ErrorsUseErrorElement) {
  RunResult run = testing::SampleRun();
  run.scenarios[1].status = Verdict::kError;
  std::string xml = RenderJunitReport(run);
  EXPECT_NE(xml.find("<error message="), std::string::npos);
  EXPECT_EQ(xml.find("<failure message="), std::string::npos);
}

}  // namespace
}  // namespace smtp
