#include "harness/report/json_report.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/report/mini_json_schema.h"
#include "tests/report/report_fixtures.h"

namespace smtp {
namespace {

using nlohmann::json;
using testing::MiniJsonSchema;

MiniJsonSchema Schema() {
  return MiniJsonSchema::FromFile(std::string(SMTP_HARNESS_SOURCE_DIR) +
                                  "/docs/report.schema.json");
}

TEST(JsonReport, HasTheSpecFieldNames) {
  json j = json::parse(RenderJsonReport(testing::SampleRun()));
  EXPECT_EQ(j["tool"], "smtp-harness");
  EXPECT_EQ(j["started_at"], "2026-01-01T12:00:00Z");
  EXPECT_DOUBLE_EQ(j["duration_ms"].get<double>(), 12.5);
  EXPECT_EQ(j["summary"]["total"], 3);
  EXPECT_EQ(j["summary"]["passed"], 1);
  EXPECT_EQ(j["summary"]["failed"], 1);
  EXPECT_EQ(j["summary"]["errors"], 0);
  EXPECT_EQ(j["summary"]["skipped"], 1);
  const auto& failed = j["scenarios"][1];
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_EQ(failed["file"], "scenarios/sub/reject.yaml");
  EXPECT_EQ(failed["failure"]["step"], 1);
  EXPECT_EQ(failed["failure"]["line"], 7);
  EXPECT_EQ(failed["failure"]["expected"], "250");
  EXPECT_EQ(failed["failure"]["actual"], "550 5.1.1 No such user");
  EXPECT_EQ(failed["steps"][1]["sent"], "RCPT TO:<x@y>");
  EXPECT_EQ(failed["steps"][2]["status"], "not_run");
  EXPECT_EQ(failed["transcript"][2]["dir"], "S");
  EXPECT_EQ(failed["transcript"][3]["text"], std::string("bare\rCR\x01"));
  EXPECT_FALSE(j["scenarios"][0].contains("failure"));
  EXPECT_EQ(j["scenarios"][2]["skip_reason"], "server did not advertise CHUNKING");
}

TEST(JsonReport, ConformanceGroupedByRfcAndSection) {
  json j = json::parse(RenderJsonReport(testing::SampleRun()));
  ASSERT_EQ(j["conformance"].size(), 2u);
  EXPECT_EQ(j["conformance"][0]["rfc"], "3030");
  const auto& r5321 = j["conformance"][1];
  EXPECT_EQ(r5321["rfc"], "5321");
  EXPECT_EQ(r5321["counts"]["passed"], 1);
  EXPECT_EQ(r5321["counts"]["failed"], 1);
  ASSERT_EQ(r5321["sections"].size(), 2u);
  EXPECT_EQ(r5321["sections"][0]["section"], "4.1.1.1");
  EXPECT_EQ(r5321["sections"][1]["section"], "4.1.4");
  EXPECT_EQ(r5321["sections"][1]["failing"][0], "reject <rcpt> & co");
}

TEST(JsonReport, InvalidUtf8IsReplacedNotFatal) {
  RunResult run = testing::SampleRun();
  run.scenarios[0].transcript.push_back({1, 'S', std::string("250 \xff\xfe ok")});
  json j = json::parse(RenderJsonReport(run));
  EXPECT_EQ(j["scenarios"][0]["transcript"][2]["text"], "250 \xEF\xBF\xBD\xEF\xBF\xBD ok");
}

TEST(JsonReport, ValidatesAgainstSchema) {
  RunResult run = testing::SampleRun();
  ClientProcessResult client;
  client.command = "python3 lab.py";
  client.exit_code = 0;
  run.scenarios[0].client = client;
  run.interrupted = true;
  auto errors = Schema().Validate(json::parse(RenderJsonReport(run)));
  EXPECT_TRUE(errors.empty()) << errors.front();
}

TEST(JsonReport, SchemaRejectsAWrongField) {
  json j = json::parse(RenderJsonReport(testing::SampleRun()));
  j["scenarios"][0]["durationMs"] = j["scenarios"][0]["duration_ms"];
  j["scenarios"][0].erase("duration_ms");
  auto errors = Schema().Validate(j);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], "$.scenarios[0]: missing duration_ms");
  EXPECT_EQ(errors[1], "$.scenarios[0]: unexpected field durationMs");

  json k = json::parse(RenderJsonReport(testing::SampleRun()));
  k["scenarios"][1]["status"] = "failure";
  errors = Schema().Validate(k);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "$.scenarios[1].status: \"failure\" not in enum");
}

TEST(JsonReport, WriteFailsWithAClearMessage) {
  Status s = WriteJsonReport(testing::SampleRun(), "/nonexistent-dir/report.json");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "cannot write JSON report to /nonexistent-dir/report.json: No such file or directory");
}

// `--report /dev/null` must not replace the device with a file; a FIFO
// stands in for it here so a regression cannot damage the machine.
TEST(JsonReport, SpecialFilesAreWrittenNotReplaced) {
  std::string path = ::testing::TempDir() + "/json_report_fifo";
  std::remove(path.c_str());
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    got = ss.str();
  });
  ASSERT_TRUE(WriteJsonReport(testing::SampleRun(), path).ok());
  reader.join();
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(json::parse(got)["summary"]["total"], 3);
  std::remove(path.c_str());
}

TEST(JsonReport, WritesAFile) {
  std::string path = ::testing::TempDir() + "/json_report_test.json";
  ASSERT_TRUE(WriteJsonReport(testing::SampleRun(), path).ok());
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(json::parse(ss.str())["summary"]["total"], 3);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace smtp
