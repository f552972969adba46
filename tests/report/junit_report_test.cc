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

// The JUnit XML is escaped as the HTML page is (one escaper): a reply with
// bytes that are not UTF-8 still gives a well-formed UTF-8 document, and CR
// and NUL are visible tokens, not characters XML 1.0 cannot carry.
TEST(JunitReport, EscapesAsTheHtmlPageDoes) {
  RunResult run = testing::SampleRun();
  run.scenarios[1].failure->message = std::string("got \xff\xfe'x'\r\n\0", 12);
  std::string xml = RenderJunitReport(run);
  EXPECT_NE(xml.find("got \xef\xbf\xbd\xef\xbf\xbd&#39;x&#39;\\r\n\\0\""), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find('\xff'), std::string::npos);
}

}  // namespace
}  // namespace smtp
