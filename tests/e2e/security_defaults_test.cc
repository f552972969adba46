// Security defaults, from outside: `serve` warns when told to listen on a
// non-loopback address (and binds loopback by default), and AUTH secrets
// never appear in what the harness prints or writes -- transcripts (-v),
// JSON reports, JUnit, Gradescope, `send -v --json`, `serve -v`.
#include <gtest/gtest.h>

#include "harness/core/base64.h"
#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::run_e2e {
namespace {

using std::chrono::seconds;

constexpr const char* kSecret = "Pa55-w0rd-XYZZY";
constexpr const char* kWrong = "Wr0ng-Guess-QUUX";

// Every form a password takes on the wire or in memory dumps of AUTH.
std::vector<std::string> SecretForms() {
  std::vector<std::string> forms;
  for (std::string pw : {kSecret, kWrong}) {
    forms.push_back(pw);
    forms.push_back(Base64Encode(pw));                                      // AUTH LOGIN
    forms.push_back(Base64Encode(std::string("\0alice\0", 7) + pw));        // AUTH PLAIN
    forms.push_back(Base64Encode(std::string("alice\0alice\0", 12) + pw));  // with authzid
  }
  return forms;
}

void ExpectNoSecret(const std::string& where, const std::string& text) {
  for (const auto& form : SecretForms()) {
    EXPECT_EQ(text.find(form), std::string::npos) << where << " leaks '" << form << "':\n" << text;
  }
}

TEST(SecurityDefaults, ServeWarnsWhenListeningBeyondLoopback) {
  // 192.0.2.1 (TEST-NET-1) is not ours: the warning comes, then the bind fails.
  ProcOptions o;
  o.timeout = seconds(10);
  ProcResult r = RunProcess({SMTP_HARNESS_BINARY, "serve", "--listen", "192.0.2.1:0"}, o);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("smtp-harness serve: warning: 192.0.2.1:0 is not a loopback address; "
                       "anyone who can reach it can talk to this test server"),
            std::string::npos)
      << r.err;
  // Loopback: no warning.
  e2e::Serve serve({"--once"}, "loopback");
  ASSERT_GT(serve.port(), 0);
  EXPECT_EQ(serve.process().Stderr().find("warning"), std::string::npos);
  EXPECT_EQ(serve.Stop(), 0);
}

TEST(SecurityDefaults, ServeListensOnLoopbackPort1025ByDefault) {
  ProcResult r = RunProcess({SMTP_HARNESS_BINARY, "serve", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("127.0.0.1:1025"), std::string::npos) << r.out;
}

TEST(SecurityDefaults, AuthSecretsNeverInRunOutputsOrReports) {
  TempDir dir;
  dir.Write("auth.yaml", std::string(R"Y(name: auth_secrets
vars: {password: )Y") + kSecret +
                             R"Y(}
server:
  auth:
    users: {alice: )Y" + kSecret +
                             R"Y(}
    required: true
steps:
  - expect: 220
  - send: EHLO 127.0.0.1
    expect: 250
  - auth: {mechanism: PLAIN, username: alice, password: )Y" +
                             kWrong + R"Y(}
    expect: 535
  - auth: {mechanism: LOGIN, username: alice, password: "${password}"}
  - auth: {mechanism: PLAIN, username: alice, password: "${password}"}
    expect: 503
  - send: NOOP
    expect: 554
)Y");
  ProcOptions o = InDir(dir.path());
  o.timeout = seconds(30);
  ProcResult r = RunHarness({"auth.yaml", "-v", "--report", "report.json", "--junit", "junit.xml",
                             "--gradescope", "results.json"},
                            o);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the last step fails: transcripts print
  ASSERT_TRUE(dir.Exists("report.json"));
  std::string report = dir.Read("report.json");
  EXPECT_NE(report.find("AUTH PLAIN"), std::string::npos) << report;  // the exchange is there
  ExpectNoSecret("stdout", r.out);
  ExpectNoSecret("stderr", r.err);
  ExpectNoSecret("report.json", report);
  ExpectNoSecret("junit.xml", dir.Read("junit.xml"));
  ExpectNoSecret("results.json", dir.Read("results.json"));
}

TEST(SecurityDefaults, AuthSecretsNeverInSendOrServeOutput) {
  e2e::Serve serve({"--auth-user", std::string("alice:") + kSecret, "--auth-required", "-v"},
                   "authserve");
  ASSERT_GT(serve.port(), 0) << serve.process().Stderr();
  for (const char* mechanism : {"PLAIN", "LOGIN"}) {
    for (const char* password : {kWrong, kSecret}) {
      ProcOptions o;
      o.timeout = seconds(20);
      ProcResult r = RunProcess({SMTP_HARNESS_BINARY,
                                 "send",
                                 "--server",
                                 "127.0.0.1:" + std::to_string(serve.port()),
                                 "--from",
                                 "alice@example.test",
                                 "--to",
                                 "b@example.test",
                                 "--body",
                                 "hi",
                                 "--helo",
                                 "127.0.0.1",
                                 "--auth-user",
                                 "alice",
                                 "--auth-password",
                                 password,
                                 "--auth-mechanism",
                                 mechanism,
                                 "-v",
                                 "--json"},
                                o);
      EXPECT_EQ(r.exit_code == 0, std::string(password) == kSecret) << mechanism << r.out << r.err;
      EXPECT_NE((r.out + r.err).find("AUTH " + std::string(mechanism)), std::string::npos)
          << "no transcript to check: " << r.out << r.err;
      ExpectNoSecret(std::string("send -v --json ") + mechanism + " stdout", r.out);
      ExpectNoSecret(std::string("send -v --json ") + mechanism + " stderr", r.err);
    }
  }
  EXPECT_EQ(serve.Stop(), 0);
  std::string log = serve.process().Stdout() + serve.process().Stderr();
  EXPECT_NE(log.find("AUTH"), std::string::npos) << log;  // transcripts were printed
  ExpectNoSecret("serve -v", log);
}

// The grader runs the scenario's `client:` without a shell: quotes split
// words, but $VAR, `cmd` and ; are plain characters. Only `client_shell:
// true` hands the line to /bin/sh.
TEST(SecurityDefaults, GraderRunsClientCommandsWithoutAShell) {
  for (bool shell : {false, true}) {
    TempDir dir;
    dir.Write("noshell.yaml", std::string("name: noshell\nmode: server\ntimeout: 1s\n") +
                                  (shell ? "client_shell: true\n" : "") +
                                  "client: /bin/echo \"$HOME\" `echo sub` ;touch INJECTED\n"
                                  "steps:\n  - reply: 220 lab ESMTP\n  - expect_close: true\n");
    // Writable by the client, which runs as nobody when the tests run as root.
    std::filesystem::permissions(dir.path(), std::filesystem::perms::all,
                                 std::filesystem::perm_options::add);
    ProcOptions o = InDir(dir.path());
    o.timeout = seconds(30);
    ProcResult r = RunProcess({SMTP_HARNESS_BINARY, "grade", "noshell.yaml", "--port",
                               std::to_string(ClosedPort()), "--report", "report.json"},
                              o);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the client never connects
    EXPECT_EQ(dir.Exists("INJECTED"), shell) << (shell ? "with" : "without") << " a shell";
    ASSERT_TRUE(dir.Exists("report.json"));
    auto j = ParseJson(dir.Read("report.json"));
    std::string out = j["scenarios"][0]["client"]["stdout"].get<std::string>();
    if (shell) {
      EXPECT_EQ(out.find("$HOME"), std::string::npos) << out;
    } else {
      EXPECT_EQ(out, "$HOME `echo sub` ;touch INJECTED\n");
    }
  }
}

}  // namespace
}  // namespace smtp::run_e2e
