// Every client step kind and reply matcher failing on purpose against the
// fake server (and the same kinds passing in one scenario): the JSON report
// must say `failed` (or `error` where the run could not be carried out) with
// the failing step's index, its line in the file and the exact message.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

struct Case {
  const char* name;
  const char* yaml;
  const char* status;
  int step;
  int line;
  const char* message;
};

const Case kCases[] = {
    {"auth_wrong",
     R"YAML(server: {auth: {users: {alice: pw}}}
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - auth: {mechanism: PLAIN, username: alice, password: nope}
)YAML",
     "failed", 2, 6,
     "auth_wrong.yaml:6: step 2 (auth): expected 235, got 535 5.7.8 Authentication credentials "
     "invalid"},
    {"data_raw_unterminated",
     R"YAML(steps:
  - expect: 220
  - send: HELO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@x>
    expect: 250
  - send: RCPT TO:<b@x>
    expect: 250
  - send: DATA
    expect: 354
  - data_raw: "Subject: x\r\n\r\nno end marker\r\n"
    timeout: 300ms
    expect: 250
)YAML",
     "failed", 5, 11,
     "data_raw_unterminated.yaml:11: step 5 (data_raw): expected 250, got no reply within 300ms"},
    {"data_text",
     R"YAML(server:
  rules:
    - when: "/^Subject: spam/"
      on: message
      reply: "554 5.7.1 Rejected as spam"
steps:
  - expect: 220
  - send: HELO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@x>
    expect: 250
  - send: RCPT TO:<b@x>
    expect: 250
  - send: DATA
    expect: 354
  - data: "Subject: spam\n\nbuy\n"
    expect: 250
)YAML",
     "failed", 5, 16,
     "data_text.yaml:16: step 5 (data): expected 250, got 554 5.7.1 Rejected as spam"},
    {"expect_close_open",
     R"YAML(steps:
  - expect: 220
  - sleep: 50ms
  - expect_close: true
    timeout: 200ms
)YAML",
     "failed", 2, 4,
     "expect_close_open.yaml:4: step 2 (expect_close): expected connection closed within 200ms, "
     "got connection still open after 200ms"},
    {"expect_code",
     R"YAML(steps:
  - expect: 554
)YAML",
     "failed", 0, 2,
     "expect_code.yaml:2: step 0 (expect): expected 554, got 220 fake.smtp-harness.test ESMTP "
     "smtp-harness"},
    {"mail_rejected",
     R"YAML(server:
  rules: [{when: "RCPT TO:<nobody@*", reply: "550 5.1.1 No such user"}]
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - mail: {from: a@x, to: [b@x, nobody@x], data: "hi\n"}
)YAML",
     "failed", 2, 7,
     "mail_rejected.yaml:7: step 2 (mail): expected 2xx, got 550 5.1.1 No such user"},
    {"match_capture",
     R"YAML(steps:
  - expect: {code: 220, capture: {host: "^(\\S+)"}}
  - send: HELO ${host}
    expect: {code: 250, capture: {never: "(zzz+)"}}
)YAML",
     "failed", 1, 3,
     "match_capture.yaml:3: step 1 (send): expected 250, got 250 fake.smtp-harness.test Hello "
     "fake.smtp-harness.test (capture never: /(zzz+)/ not found in \"fake.smtp-harness.test Hello "
     "fake.smtp-harness.test\")"},
    {"match_enhanced",
     R"YAML(steps:
  - expect: 220
  - send: HELO 127.0.0.1
    expect: 250
  - send: MAIL FROM:<a@x>
    expect: {code: 250, enhanced: 2.1.5}
)YAML",
     "failed", 2, 5,
     "match_enhanced.yaml:5: step 2 (send): expected 250 with enhanced 2.1.5, got 250 Sender <a@x> "
     "OK (reply has no enhanced status code (expected 2.1.5))"},
    {"match_ext",
     R"YAML(steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: {code: 250, ext: [PIPELINING, STARTTLS]}
)YAML",
     "failed", 1, 3,
     "match_ext.yaml:3: step 1 (send): expected 250 with ext [PIPELINING, STARTTLS], got "
     "250-fake.smtp-harness.test Hello 127.0.0.1 | 250-PIPELINING | 250-SIZE 10485760 | "
     "250-8BITMIME | 250-ENHANCEDSTATUSCODES | 250-SMTPUTF8 | 250 CHUNKING (EHLO reply does not "
     "advertise STARTTLS)"},
    {"match_not",
     R"YAML(steps:
  - expect: {not: 5xx}
  - send: BOGUS
    expect: {not: [500, 502]}
)YAML",
     "failed", 1, 3,
     "match_not.yaml:3: step 1 (send): expected not 500 or 502, got 500 Syntax error, command "
     "unrecognized (reply matches 500 or 502)"},
    {"match_not_ext",
     R"YAML(steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: {code: 250, not_ext: [CHUNKING]}
)YAML",
     "failed", 1, 3,
     "match_not_ext.yaml:3: step 1 (send): expected 250 with no ext [CHUNKING], got "
     "250-fake.smtp-harness.test Hello 127.0.0.1 | 250-PIPELINING | 250-SIZE 10485760 | "
     "250-8BITMIME | 250-ENHANCEDSTATUSCODES | 250-SMTPUTF8 | 250 CHUNKING (EHLO reply advertises "
     "CHUNKING)"},
    {"match_text",
     R"YAML(steps:
  - expect: {code: 220, text: "^fake\\.smtp-harness\\.test "}
  - send: NOOP
    expect: {code: 250, text: "^Done$"}
)YAML",
     "failed", 1, 3,
     "match_text.yaml:3: step 1 (send): expected 250 with text /^Done$/, got 250 Ok (text /^Done$/ "
     "not found in \"Ok\")"},
    {"pipeline_order",
     R"YAML(steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - pipeline: ["MAIL FROM:<a@x>", "RCPT TO:<b@x>", "DATA"]
    expect: [250, 250, 250]
)YAML",
     "failed", 2, 5,
     "pipeline_order.yaml:5: step 2 (pipeline): expected 250, got 354 End data with "
     "<CR><LF>.<CR><LF>"},
    {"reply_timeout",
     R"YAML(server:
  rules: [{when: NOOP, reply: "250 late", delay: 2s}]
steps:
  - expect: 220
  - send: NOOP
    timeout: 200ms
    expect: 250
)YAML",
     "failed", 1, 5,
     "reply_timeout.yaml:5: step 1 (send): expected 250, got no reply within 200ms"},
    {"send_code",
     R"YAML(steps:
  - expect: 220
  - send: NOOP
    expect: 550
)YAML",
     "failed", 1, 3, "send_code.yaml:3: step 1 (send): expected 550, got 250 Ok"},
    {"send_raw_bare_lf",
     R"YAML(steps:
  - expect: 220
  - send_raw: "HELO 127.0.0.1\r\n"
    expect: 250
  - send_raw: "MAIL FROM:<a@b>\n"
    expect: 250
    timeout: 300ms
)YAML",
     "failed", 2, 5,
     "send_raw_bare_lf.yaml:5: step 2 (send_raw): expected 250, got 500 Bare LF not allowed, end "
     "lines with CRLF"},
    {"starttls_not_offered",
     R"YAML(steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - starttls: {verify: false}
)YAML",
     "failed", 2, 5,
     "starttls_not_offered.yaml:5: step 2 (starttls): expected 220, got 502 5.5.1 STARTTLS not "
     "available"},
    {"starttls_verify",
     R"YAML(server: {tls: {starttls: true}}
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - starttls: {verify: true}
)YAML",
     "error", 2, 6,
     "starttls_verify.yaml:6: step 2 (starttls): TLS handshake failed: certificate verification "
     "failed for 127.0.0.1: self-signed certificate"},
};

class RunStepFailures : public ::testing::TestWithParam<Case> {};

TEST_P(RunStepFailures, ReportNamesStepLineAndMessage) {
  const Case& c = GetParam();
  TempDir dir;
  std::string file = std::string(c.name) + ".yaml";
  dir.Write(file, c.yaml);
  auto r = RunHarness({file, "--report", "report.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // The summary's one-line error names file, line, step, expected and
  // actual; it is printed once (stdout), not again on stderr.
  EXPECT_NE(r.out.find("\n  " + std::string(c.message) + "\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.err, "");
  auto j = ParseJson(dir.Read("report.json"));
  const auto& sc = j["scenarios"][0];
  EXPECT_EQ(sc["status"], c.status);
  EXPECT_EQ(sc["failure"]["step"], c.step);
  EXPECT_EQ(sc["failure"]["line"], c.line);
  EXPECT_EQ(sc["failure"]["message"], c.message);
  EXPECT_EQ(sc["steps"][c.step]["status"], c.status);
  EXPECT_EQ(sc["steps"][c.step]["line"], c.line);
  for (size_t i = static_cast<size_t>(c.step) + 1; i < sc["steps"].size(); ++i) {
    EXPECT_EQ(sc["steps"][i]["status"], "not_run");
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, RunStepFailures, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

// The same kinds and matchers, all passing, in one scenario.
const char* kAllPass = R"YAML(name: all_kinds_pass
server:
  tls: {starttls: true}
  auth: {users: {alice: pw}}
  rules:
    - when: "RCPT TO:<nobody@*"
      reply: "550 5.1.1 No such user"
steps:
  - expect: {code: 22x, text: "ESMTP", capture: {host: "^(\\S+)"}}
  - send: EHLO 127.0.0.1
    expect: {code: 250, ext: [PIPELINING, STARTTLS], not_ext: [XYZZY]}
  - send_raw: "NOOP\r\n"
    expect: [250, 251]
  - starttls: {verify: false}
  - send: EHLO 127.0.0.1
    expect: {code: 250, not_ext: [STARTTLS]}
  - auth: {mechanism: LOGIN, username: alice, password: pw}
  - pipeline: ["MAIL FROM:<a@x>", "RCPT TO:<b@x>", "RCPT TO:<nobody@x>", "DATA"]
    expect: [2xx, 250, {code: 550, enhanced: 5.1.1, not: 2xx}, 354]
  - data: |
      Subject: from ${host}

      .dot
    expect: {code: 250, text: "queued"}
  - send: MAIL FROM:<a@x>
    expect: 250
  - send: RCPT TO:<b@x>
    expect: 250
  - send: DATA
    expect: 354
  - data: {file: body.txt}
    expect: 250
  - mail: {from: a@x, to: [b@x], data: "hi\n"}
  - send: MAIL FROM:<a@x>
    expect: 250
  - send: RCPT TO:<b@x>
    expect: 250
  - send: DATA
    expect: 354
  - data_raw: "Subject: raw\r\n\r\nbody\r\n.\r\n"
    expect: 250
  - sleep: 10ms
  - send: VRFY bob
    optional: true
    expect: 599
  - send: BDAT 0 LAST
    requires: [XYZZY]
  - send: QUIT
    expect: {code: 221, not: 5xx}
  - expect_close: true
)YAML";

TEST(RunStepKinds, AllPass) {
  TempDir dir;
  dir.Write("all.yaml", kAllPass);
  dir.Write("body.txt", "Subject: from a file\n\nbody\n");
  auto r = RunHarness({"all.yaml", "--report", "report.json", "-v"}, InDir(dir.path()));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = ParseJson(dir.Read("report.json"));
  const auto& steps = j["scenarios"][0]["steps"];
  std::set<std::string> kinds;
  for (const auto& st : steps) kinds.insert(st["kind"]);
  for (const char* k : {"expect", "send", "send_raw", "pipeline", "data", "data_raw", "starttls",
                        "auth", "mail", "sleep", "expect_close"}) {
    EXPECT_EQ(kinds.count(k), 1u) << k;
  }
  EXPECT_EQ(steps[18]["optional_mismatch"], true);
  EXPECT_EQ(steps[18]["status"], "passed");
  EXPECT_EQ(steps[19]["status"], "skipped");
  // -v prints the transcript of passing scenarios too; AUTH secrets are redacted.
  EXPECT_NE(r.out.find("C: <redacted>"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("cHc="), std::string::npos);  // base64("pw")
}

TEST(RunStepKinds, UnreachableTargetIsAnError) {
  TempDir dir;
  dir.Write("s.yaml", "steps:\n  - expect: 220\n");
  std::string target = "smtp://127.0.0.1:" + std::to_string(ClosedPort());
  auto r = RunHarness({"s.yaml", "--target", target, "--report", "-"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = ParseJson(r.out);
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_EQ(j["scenarios"][0]["status"], "error");
  EXPECT_EQ(j["scenarios"][0]["target"], target);
  EXPECT_EQ(j["scenarios"][0]["failure"]["step"], -1);
  EXPECT_EQ(j["scenarios"][0]["steps"][0]["status"], "not_run");
  EXPECT_EQ(r.err.rfind("s.yaml: target " + target + ": ", 0), 0u) << r.err;
}

}  // namespace
}  // namespace smtp::run_e2e
