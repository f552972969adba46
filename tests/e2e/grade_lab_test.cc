// End to end: `smtp-harness grade scenarios/lab/... --port 0 -- python3 CLIENT`
// with the reference lab client and its faulty and valid variants
// (tests/fixtures/clients/). Each test asserts the verdict and the reason the
// JSON report gives, plus what the Gradescope file tells the student.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/runner/process_runner.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSource = SMTP_HARNESS_SOURCE_DIR;

struct Graded {
  int exit_code = -1;
  std::string stdout_text, stderr_text;
  json report;      // the scenario object of the JSON report
  json gradescope;  // results.json
  double seconds = 0;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the real binary on a lab scenario with a fixture client.
Graded Grade(const std::string& scenario, const std::string& client, const std::string& timeout) {
  static int counter = 0;
  fs::path dir = fs::temp_directory_path() /
                 ("grade_e2e_" + std::to_string(getpid()) + "_" + std::to_string(++counter));
  fs::create_directories(dir);
  ProcessSpec spec;
  spec.argv = {SMTP_HARNESS_BINARY,
               "grade",
               kSource + "/scenarios/lab/" + scenario,
               "--port",
               "0",
               "--timeout",
               timeout,
               "--no-color",
               "--report",
               (dir / "report.json").string(),
               "--gradescope",
               (dir / "results.json").string(),
               "--client-env",  // keeps the source tree clean when not root
               "PYTHONDONTWRITEBYTECODE",
               "--",
               "/usr/bin/python3",
               kSource + "/tests/fixtures/clients/" + client};
  spec.env["PYTHONDONTWRITEBYTECODE"] = "1";  // keep the source tree clean
  auto start = std::chrono::steady_clock::now();
  auto p = MakePosixProcessRunner()->Start(spec);
  Graded g;
  if (!p.ok()) {
    ADD_FAILURE() << p.status().message();
    return g;
  }
  bool exited = (*p)->WaitExit(std::chrono::seconds(30));
  EXPECT_TRUE(exited) << "smtp-harness grade did not finish within 30s";
  ProcessOutcome o = (*p)->Stop(std::chrono::milliseconds(100));
  g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  g.exit_code = o.exit_code.value_or(-1);
  g.stdout_text = o.stdout_text;
  g.stderr_text = o.stderr_text;
  try {
    g.report = json::parse(ReadFile(dir / "report.json"))["scenarios"][0];
    g.gradescope = json::parse(ReadFile(dir / "results.json"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "reports unreadable: " << e.what() << "\nstderr: " << g.stderr_text;
  }
  fs::remove_all(dir);
  return g;
}

std::string FailureMessage(const Graded& g) {
  if (!g.report.contains("failure")) return "";
  return g.report["failure"].value("message", "");
}

std::string Where(const std::string& scenario) { return kSource + "/scenarios/lab/" + scenario; }

void ExpectPassed(const Graded& g) {
  EXPECT_EQ(g.exit_code, 0) << g.stdout_text << g.stderr_text;
  EXPECT_EQ(g.report.value("status", ""), "passed") << FailureMessage(g);
  EXPECT_EQ(g.gradescope.value("score", -1.0), 10.0);
}

void ExpectFailed(const Graded& g, const std::string& message) {
  EXPECT_EQ(g.exit_code, 1) << g.stdout_text << g.stderr_text;
  EXPECT_EQ(g.report.value("status", ""), "failed");
  EXPECT_EQ(FailureMessage(g), message);
  EXPECT_LT(g.gradescope.value("score", -1.0), 10.0);
}

TEST(GradeLabTest, ReferenceClientPassesStrictWithFullScore) {
  Graded g = Grade("lab_strict.yaml", "lab_client.py", "3s");
  ExpectPassed(g);
  EXPECT_EQ(g.report["client"].value("exit_code", -1), 0);
  EXPECT_EQ(g.report["client"].value("stdout", "").rfind("S: 220 lab.smtp-harness.test", 0), 0u);
  const std::string sent = g.report["client"].value("received_bytes", "");
  EXPECT_EQ(sent.rfind("HELO 127.0.0.1\r\nMAIL FROM:<alice@example.test>\r\n", 0), 0u);
  EXPECT_NE(sent.find("\r\n..This line starts with a dot.\r\n.\r\nQUIT\r\n"), std::string::npos);
  // One Gradescope test per check: HELO, MAIL, RCPT, DATA, message, QUIT, close.
  ASSERT_EQ(g.gradescope["tests"].size(), 7u);
  EXPECT_EQ(g.gradescope["tests"][0].value("name", ""), "lab_strict: HELO (or EHLO) with a domain");
  EXPECT_EQ(g.gradescope["tests"][0].value("status", ""), "passed");
  EXPECT_EQ(g.gradescope["tests"][0].value("visibility", ""), "visible");
  EXPECT_NEAR(g.gradescope["tests"][0].value("max_score", 0.0), 1.43, 1e-9);  // 10/7, to 2 decimals
}

TEST(GradeLabTest, ReferenceClientPassesLenient) {
  ExpectPassed(Grade("lab_lenient.yaml", "lab_client.py", "3s"));
}

TEST(GradeLabTest, BareLfFailsStrictAndTheStudentSeesTheEscapedBytes) {
  Graded g = Grade("lab_strict.yaml", "bare_lf.py", "3s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":19: step 1 (expect): the line ended with a bare LF (\\n) instead of CRLF "
                      "(\\r\\n): \"HELO 127.0.0.1\\n\"");
  EXPECT_EQ(g.report["failure"].value("actual", ""), "HELO 127.0.0.1\\n");
  // The script went on: the later checks still earn their points.
  const json& tests = g.gradescope["tests"];
  EXPECT_EQ(tests[0].value("status", ""), "failed");
  EXPECT_NE(tests[0].value("output", "").find("received: HELO 127.0.0.1\\n\n"), std::string::npos)
      << tests[0].value("output", "");
  EXPECT_EQ(tests[1].value("status", ""), "failed");           // MAIL: also a bare LF
  EXPECT_NEAR(g.gradescope.value("score", -1.0), 1.43, 1e-9);  // only the close passed (10/7)
}

// Only <CRLF>.<CRLF> ends the data: "\r\n.\n" fails the message under
// strict.crlf, naming the bytes, and the script goes on (QUIT, close);
// lenient takes it as the end and says so in the transcript.
TEST(GradeLabTest, ABareLfAfterTheFinalDotFailsStrictAndIsNotedLenient) {
  Graded g = Grade("lab_strict.yaml", "lf_final_dot.py", "3s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":31: step 5 (expect_data): the message ended with \"\\r\\n.\\n\" instead of "
                      "<CRLF>.<CRLF> (\"\\r\\n.\\r\\n\", RFC 5321 4.1.1.4): a server that takes "
                      "only CRLF would not end the message there");
  const json& tests = g.gradescope["tests"];
  ASSERT_EQ(tests.size(), 7u);
  EXPECT_EQ(tests[4].value("status", ""), "failed");
  for (size_t i : {0, 1, 2, 3, 5, 6}) EXPECT_EQ(tests[i].value("status", ""), "passed") << i;

  Graded lenient = Grade("lab_lenient.yaml", "lf_final_dot.py", "3s");
  ExpectPassed(lenient);
  bool noted = false;
  for (const auto& e : lenient.report["transcript"]) {
    noted = noted || e.value("text", "") ==
                         "the message ended with \"\r\n.\n\" instead of <CRLF>.<CRLF> "
                         "(\"\r\n.\r\n\", RFC 5321 4.1.1.4): taken as the end (strict.crlf is off)";
  }
  EXPECT_TRUE(noted) << lenient.report["transcript"].dump();
}

TEST(GradeLabTest, BareLfPassesLenient) {
  ExpectPassed(Grade("lab_lenient.yaml", "bare_lf.py", "3s"));
}

TEST(GradeLabTest, NoQuitFailsStrictPassesLenient) {
  ExpectFailed(Grade("lab_strict.yaml", "no_quit.py", "3s"),
               Where("lab_strict.yaml") +
                   ":36: step 6 (expect): the client closed the connection without sending QUIT");
  ExpectPassed(Grade("lab_lenient.yaml", "no_quit.py", "3s"));
}

TEST(GradeLabTest, NoFinalDotTimesOutWaitingForTheEnd) {
  Graded g = Grade("lab_strict.yaml", "no_final_dot.py", "2s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":31: step 5 (expect_data): no data from the client within 2s before the "
                      "end of the message: a line with a single \".\" (<CRLF>.<CRLF>) never "
                      "arrived; the message ends with \"From: alice@example.test\\r\\nTo: "
                      "bob@example.test\\r\\nSubject: SMTP lab\\r\\n\\r\\nI love computer "
                      "networks!\\r\\n.This line starts with a dot.\\r\\n\"");
  EXPECT_LT(g.seconds, 7);
}

TEST(GradeLabTest, DataBeforeRcptIsNamed) {
  Graded g = Grade("lab_strict.yaml", "data_before_rcpt.py", "3s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":25: step 3 (expect): verb DATA is not RCPT (command \"DATA\")");
  EXPECT_EQ(g.report["failure"].value("step", -1), 3);
  EXPECT_EQ(g.report["failure"].value("line", -1), 25);
}

TEST(GradeLabTest, CommandsWithoutWaitingFailStrictPipelining) {
  Graded g = Grade("lab_strict.yaml", "no_wait.py", "3s");
  // MAIL is the first command sent early, however the reads fall (the
  // engine peeks before each reply: GradeLabGradedTest below).
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":22: step 2 (expect): \"MAIL FROM:<alice@example.test>\" was sent before "
                      "the reply to \"HELO 127.0.0.1\" (the server did not advertise PIPELINING: "
                      "wait for each reply before sending the next command)");
  EXPECT_NEAR(g.gradescope.value("score", -1.0), 2.86, 1e-9);  // HELO and the close (20/7)
  ExpectPassed(Grade("lab_lenient.yaml", "no_wait.py", "3s"));
}

TEST(GradeLabTest, WrongPortNeverConnects) {
  Graded g = Grade("lab_strict.yaml", "wrong_port.py", "3s");
  std::string msg = FailureMessage(g);
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_EQ(msg.rfind(Where("lab_strict.yaml") + ": the client exited with code 1 without "
                                                 "connecting to 127.0.0.1:",
                      0),
            0u)
      << msg;
  EXPECT_NE(msg.find("(it must connect to the port given in $SMTP_HARNESS_PORT)"),
            std::string::npos);
  EXPECT_NE(g.report["client"].value("stderr", "").find("ConnectionRefusedError"),
            std::string::npos);
  EXPECT_EQ(g.gradescope.value("score", -1.0), 0.0);
}

TEST(GradeLabTest, CrashMidSessionIsReportedWithTheExitCode) {
  Graded g = Grade("lab_strict.yaml", "crash.py", "3s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":25: step 3 (expect): the connection ended (client closed); expected verb "
                      "RCPT, argument \"TO:<?*@?*>\"; the client exited with code 1 (crashed?)");
  EXPECT_NE(g.report["client"].value("stderr", "").find("IndexError"), std::string::npos);
  // HELO and MAIL passed before the crash: 2 of 7 checks.
  EXPECT_NEAR(g.gradescope.value("score", -1.0), 2.86, 1e-9);  // 20/7, to 2 decimals
}

TEST(GradeLabTest, SignalMidSessionIsReported) {
  Graded g = Grade("lab_strict.yaml", "segfault.py", "3s");
  ExpectFailed(
      g,
      Where("lab_strict.yaml") +
          ":25: step 3 (expect): the connection ended (client closed); expected verb "
          "RCPT, argument \"TO:<?*@?*>\"; the client was killed by signal 11 (SIGSEGV) (crashed?)");
  EXPECT_EQ(g.report["client"].value("signal", -1), 11);
}

TEST(GradeLabTest, MissingDotStuffingLosesTheDot) {
  ExpectFailed(Grade("lab_strict.yaml", "no_dot_stuffing.py", "3s"),
               Where("lab_strict.yaml") +
                   ":31: step 5 (expect_data): the message does not contain \"\\n.This line "
                   "starts with a dot.\"");
}

TEST(GradeLabTest, HangingClientIsKilledAndTheHarnessDoesNotHang) {
  Graded g = Grade("lab_strict.yaml", "hang.py", "2s");
  ExpectFailed(g, Where("lab_strict.yaml") +
                      ":36: step 6 (expect): no data from the client within 2s; expected QUIT; "
                      "the client was still running and was killed (SIGTERM)");
  EXPECT_TRUE(g.report["client"].value("timed_out", false));
  EXPECT_LT(g.seconds, 8);
}

TEST(GradeLabTest, ClientThatNeverConnectsIsKilled) {
  Graded g = Grade("lab_strict.yaml", "never_connects.py", "1s");
  std::string msg = FailureMessage(g);
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_EQ(msg.rfind(Where("lab_strict.yaml") + ": the client never connected to 127.0.0.1:", 0),
            0u)
      << msg;
  EXPECT_NE(msg.find(" within 1s (the client was still running and was killed (SIGTERM))"),
            std::string::npos);
  EXPECT_LT(g.seconds, 5);
}

TEST(GradeLabTest, PrintingALotIsNotAFailure) {
  Graded g = Grade("lab_strict.yaml", "prints_a_lot.py", "3s");
  ExpectPassed(g);
  const std::string out = g.report["client"].value("stdout", "");
  EXPECT_NE(out.find("debug line 00000"), std::string::npos);
  EXPECT_NE(out.find("\n[truncated: "), std::string::npos);  // 1 MiB kept, the rest counted
  EXPECT_EQ(g.report["client"].value("stderr", ""), "a warning on stderr\n");
}

TEST(GradeLabTest, ValidVariationsPass) {
  for (const char* client : {"ehlo.py", "lowercase.py", "multiline.py"}) {
    SCOPED_TRACE(client);
    ExpectPassed(Grade("lab_strict.yaml", client, "3s"));
  }
}

}  // namespace
}  // namespace smtp

namespace smtp {
namespace {

// lab_graded: rules of the client suite with points on their steps (20).
double TestScore(const Graded& g, const std::string& name_prefix) {
  for (const auto& t : g.gradescope["tests"]) {
    if (t.value("name", "").rfind("lab_graded: " + name_prefix, 0) == 0)
      return t.value("score", -1.0);
  }
  ADD_FAILURE() << "no Gradescope test " << name_prefix;
  return -1;
}

TEST(GradeLabGradedTest, ReferenceGetsEveryPointAndAnEarlyTalkerLosesTheHeloStep) {
  Graded good = Grade("lab_graded.yaml", "lab_client.py", "3s");
  EXPECT_EQ(good.exit_code, 0) << good.stdout_text << good.stderr_text;
  EXPECT_EQ(good.gradescope.value("score", -1.0), 20.0);
  ASSERT_EQ(good.gradescope["tests"].size(), 7u);
  EXPECT_EQ(good.gradescope["tests"][4].value("max_score", 0.0), 6.0);  // the message

  Graded early = Grade("lab_graded.yaml", "early_talker.py", "3s");
  EXPECT_EQ(early.exit_code, 1);
  EXPECT_EQ(early.gradescope.value("score", -1.0), 17.0);
  EXPECT_EQ(TestScore(early, "HELO"), 0.0);
  EXPECT_EQ(TestScore(early, "MAIL"), 2.0);
  EXPECT_EQ(FailureMessage(early),
            Where("lab_graded.yaml") +
                ":28: step 1 (expect): \"HELO 127.0.0.1\" was sent before the greeting (delayed "
                "300ms): a client waits for the greeting before it sends a command (RFC 5321 "
                "4.3.1, 3.1)");

  Graded stuffing = Grade("lab_graded.yaml", "no_dot_stuffing.py", "3s");
  EXPECT_EQ(stuffing.gradescope.value("score", -1.0), 14.0);
  EXPECT_EQ(TestScore(stuffing, "the message"), 0.0);
}

// The same client gets the same score every run. no_wait.py sends every
// command without waiting; whether its MAIL was read with HELO or only after
// the reply to HELO went out used to decide the MAIL step (5 or 7 points by
// timing). no_wait_paced.py makes the second case certain (it scored 7 every
// time). The engine now peeks before each reply: 5 for both, every run.
TEST(GradeLabGradedTest, CommandsWithoutWaitingLoseTheSameStepsEveryRun) {
  for (const char* client : {"no_wait.py", "no_wait.py", "no_wait.py", "no_wait_paced.py"}) {
    Graded g = Grade("lab_graded.yaml", client, "3s");
    EXPECT_EQ(g.gradescope.value("score", -1.0), 5.0) << client;
    EXPECT_EQ(TestScore(g, "HELO"), 3.0) << client;
    EXPECT_EQ(TestScore(g, "MAIL"), 0.0) << client;
    EXPECT_EQ(TestScore(g, "the message"), 0.0) << client;
    EXPECT_EQ(TestScore(g, "the client closes"), 2.0) << client;
    ExpectFailed(g, Where("lab_graded.yaml") +
                        ":36: step 2 (expect): \"MAIL FROM:<alice@example.test>\" was sent "
                        "before the reply to \"HELO 127.0.0.1\" (the server did not advertise "
                        "PIPELINING: wait for each reply before sending the next command)");
  }
}

}  // namespace
}  // namespace smtp
