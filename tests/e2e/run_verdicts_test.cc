// Issue 14 ("No wrong verdicts"), the run/CLI side, from the outside: runs
// that select nothing, --fail-fast's `not run`, report paths checked before
// running, durations after Ctrl-C, `run --update` in one pass, `load -n`,
// `serve --config` with listen:, unique queue ids, and "did you mean".
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"
#include "tests/support/tcp_client.h"

namespace smtp::run_e2e {
namespace {

const char* kPass = "name: ok\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n";
const char* kFail = "name: bad\nsteps:\n  - expect: 220\n  - send: NOOP\n    expect: 550\n";

ProcResult Harness(const std::string& command, std::vector<std::string> args, ProcOptions o = {}) {
  args.insert(args.begin(), {SMTP_HARNESS_BINARY, command});
  o.env.emplace("NO_COLOR", "");
  return RunProcess(args, o);
}

// Item 3: zero scenarios selected is exit 2 with the reason, unless
// --allow-empty, which says so, writes empty reports and exits 0.
TEST(RunVerdicts, SelectingNothingFailsUnlessAllowed) {
  TempDir dir;
  dir.Write("s/a.yaml", kPass);
  dir.Write("s/b.yaml", kPass);
  std::filesystem::create_directories(dir.path() + "/empty");

  auto r = RunHarness({"s", "--filter", "zzz*"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_EQ(r.err,
            "smtp-harness run: no scenarios selected: --filter 'zzz*' matched none of the 2 "
            "scenarios (give --allow-empty if an empty run is expected)\n");
  EXPECT_FALSE(dir.Exists("smtp-harness-report.json"));

  r = RunHarness({"s", "--shard", "3/3"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--shard 3/3 is empty: 2 scenarios fill only 2 of 3 shards"),
            std::string::npos)
      << r.err;

  r = RunHarness({"empty"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("empty: no *.yaml or *.yml scenario files in it"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("--allow-empty"), std::string::npos) << r.err;

  for (std::vector<std::string> args :
       {std::vector<std::string>{"s", "--filter", "zzz*"}, {"s", "--shard", "3/3"}, {"empty"}}) {
    args.insert(args.end(), {"--allow-empty", "--junit", "j.xml"});
    r = RunHarness(args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 0) << args[0] << r.err;
    EXPECT_NE(r.out.find("no scenarios selected"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--allow-empty: nothing ran"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 passed, 0 failed, 0 errors, 0 skipped in "), std::string::npos);
    auto j = ParseJson(dir.Read("smtp-harness-report.json"));
    EXPECT_EQ(j["summary"]["total"], 0);
    EXPECT_NE(dir.Read("j.xml").find("tests=\"0\""), std::string::npos);
  }
}

// Item 4: what --fail-fast kept from running is reported as `not run` in the
// terminal, the JSON report and JUnit.
TEST(RunVerdicts, FailFastReportsTheRestAsNotRun) {
  TempDir dir;
  dir.Write("1.yaml", kFail);
  dir.Write("2.yaml", kPass);
  dir.Write("3.yaml", std::string(kPass) + "# another\n");
  auto r = RunHarness({".", "--fail-fast", "--junit", "j.xml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("- ok  not run: --fail-fast stopped the run after a failure\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n0 passed, 1 failed, 0 errors, 0 skipped, 2 not run in "),
            std::string::npos)
      << r.out;
  auto j = ParseJson(dir.Read("smtp-harness-report.json"));
  ASSERT_EQ(j["scenarios"].size(), 3u);
  EXPECT_EQ(j["scenarios"][0]["status"], "failed");
  EXPECT_EQ(j["scenarios"][1]["status"], "not_run");
  EXPECT_EQ(j["scenarios"][2]["status"], "not_run");
  EXPECT_EQ(j["summary"]["total"], 3);
  EXPECT_EQ(j["summary"]["not_run"], 2);
  std::string junit = dir.Read("j.xml");
  EXPECT_NE(junit.find("tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"2\""), std::string::npos)
      << junit;
  EXPECT_NE(
      junit.find("<skipped message=\"not run: --fail-fast stopped the run after a failure\"/>"),
      std::string::npos)
      << junit;
}

// Item 12: an unwritable report path is found before anything runs (exit 2),
// for --report, --junit and --gradescope, in run, grade and load.
TEST(RunVerdicts, ReportPathsAreCheckedBeforeRunning) {
  TempDir dir;
  dir.Write("slow.yaml", "name: slow\nsteps:\n  - expect: 220\n  - sleep: 3s\n");
  for (const char* flag : {"--report", "--junit", "--gradescope"}) {
    auto r = RunHarness({"slow.yaml", flag, "/no/such/dir/r.json"}, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << flag << r.err;
    EXPECT_LT(r.elapsed_ms, 2500) << flag << ": the scenario ran first";
    EXPECT_EQ(r.out, "") << flag;
    EXPECT_NE(r.err.find("cannot write"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/no/such/dir/r.json: No such file or directory"), std::string::npos)
        << r.err;
  }
  auto r = RunHarness({"slow.yaml", "--report", dir.path()}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("it is a directory"), std::string::npos) << r.err;
  EXPECT_FALSE(dir.Exists("smtp-harness-report.json.tmp"));

  auto load = Harness("load", {SMTP_HARNESS_SOURCE_DIR "/scenarios/basic_send.yaml", "-n", "1",
                               "--report", "/no/such/dir/r.json"});
  EXPECT_EQ(load.exit_code, 2) << load.err;
  EXPECT_NE(load.err.find("/no/such/dir/r.json"), std::string::npos) << load.err;
  auto grade =
      Harness("grade", {SMTP_HARNESS_SOURCE_DIR "/scenarios/lab/lab_strict.yaml", "--port", "0",
                        "--gradescope", "/no/such/dir/results.json", "--", "/bin/true"});
  EXPECT_EQ(grade.exit_code, 2) << grade.err;
  EXPECT_NE(grade.err.find("/no/such/dir/results.json"), std::string::npos) << grade.err;
}

// Item 17: the summary and the JSON report carry the real duration after an
// interrupt (they said 0.0ms), and what never finished is listed.
TEST(RunVerdicts, DurationsAreRightAfterAnInterrupt) {
  TempDir dir;
  dir.Write("1.yaml", kPass);
  dir.Write("2.yaml", "name: slow\nsteps:\n  - expect: 220\n  - sleep: 30s\n");
  dir.Write("3.yaml", "name: later\nsteps:\n  - expect: 220\n");
  ProcOptions o = InDir(dir.path());
  o.sigint_after = std::chrono::milliseconds(700);
  o.timeout = std::chrono::seconds(20);
  auto r = RunHarness({".", "--report", "r.json"}, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  auto j = ParseJson(dir.Read("r.json"));
  EXPECT_GE(j["duration_ms"].get<double>(), 500.0) << j.dump();
  EXPECT_LT(j["duration_ms"].get<double>(), 10000.0);
  EXPECT_EQ(r.out.find("in 0.0ms"), std::string::npos) << r.out;
  ASSERT_EQ(j["scenarios"].size(), 3u);
  EXPECT_EQ(j["scenarios"][1]["status"], "not_run");
  EXPECT_EQ(j["scenarios"][1]["skip_reason"], "not finished: the run was interrupted");
}

// Item 19: one `run --update` fixes every mismatch, writes volatile parts
// as globs, and says why a `steps:` scenario is not updated.
TEST(RunVerdicts, UpdateFixesEveryMismatchInOnePass) {
  TempDir dir;
  dir.Write("t.yaml",
            "name: two_wrong\n"
            "transcript: |\n"
            "  S: 220 *\n"
            "  C: EHLO client.test\n"
            "  S: 250 *\n"
            "  C: NOOP\n"
            "  S: 554 wrong\n"
            "  C: MAIL FROM:<a@example.test>\n"
            "  S: 250 *\n"
            "  C: RCPT TO:<b@example.test>\n"
            "  S: 250 *\n"
            "  C: DATA\n"
            "  S: 354 *\n"
            "  C: Subject: x\n"
            "  C: \n"
            "  C: hi\n"
            "  C: .\n"
            "  S: 251 also wrong\n"
            "  C: QUIT\n"
            "  S: 221 *\n");
  dir.Write("steps.yaml", kFail);
  auto r = RunHarness({"t.yaml", "steps.yaml", "--update"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("updated: t.yaml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("not updated: steps.yaml"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("has `steps:`"), std::string::npos) << r.out;
  std::string text = dir.Read("t.yaml");
  EXPECT_NE(text.find("  C: NOOP\n  S: 250 2.0.0 Ok\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  S: 250 2.0.0 Ok: queued as *\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("queued as 1"), std::string::npos) << text;
  r = RunHarness({"t.yaml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(dir.Read("steps.yaml"), kFail);
}

// Item 9: `load -n` takes 1 or more; -1 does not wrap into "forever" and 0
// does not silently mean 100.
TEST(RunVerdicts, LoadRefusesSessionCountsBelowOne) {
  for (const char* n : {"-1", "0"}) {
    auto r = Harness(
        "load", {SMTP_HARNESS_SOURCE_DIR "/scenarios/basic_send.yaml", "-n", n, "--report", "-"},
        [] {
          ProcOptions o;
          o.timeout = std::chrono::seconds(20);
          return o;
        }());
    EXPECT_EQ(r.exit_code, 2) << n << r.out << r.err;
    EXPECT_NE(r.err.find(std::string("invalid -n/--sessions ") + n + ": expected 1 or more"),
              std::string::npos)
        << r.err;
  }
}

// Item 13: an unknown command or option says what was meant, for every
// command.
TEST(RunVerdicts, UnknownCommandsAndOptionsSayWhatWasMeant) {
  auto r = RunProcess({SMTP_HARNESS_BINARY, "frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "smtp-harness: unknown command 'frobnicate'\ncommands: run, validate, send, serve, "
            "grade, record, load, report (smtp-harness COMMAND --help)\n");
  r = RunProcess({SMTP_HARNESS_BINARY, "valdate", "x.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'valdate'; did you mean 'validate'?"), std::string::npos)
      << r.err;
  r = RunProcess({SMTP_HARNESS_BINARY, "send", "--to", "a@b.test", "--bdoy", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("send: unknown option '--bdoy'; did you mean '--body'?"), std::string::npos)
      << r.err;
  for (const char* cmd : {"run", "validate", "serve", "grade", "record", "load"}) {
    r = RunProcess({SMTP_HARNESS_BINARY, cmd, "--verbos"});
    EXPECT_EQ(r.exit_code, 2) << cmd;
    EXPECT_NE(r.err.find(std::string(cmd) + ": unknown option '--verbos'"), std::string::npos)
        << cmd << ": " << r.err;
  }
  r = RunProcess({SMTP_HARNESS_BINARY, "run", "x.yaml", "--filtr=a*"});
  EXPECT_NE(r.err.find("did you mean '--filter'?"), std::string::npos) << r.err;
}

// A loopback port nobody listens on right now (bound, then released).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string WaitForListening(e2e::Process& p) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && p.Running()) {
    std::string out = p.Stdout();
    if (out.find('\n') != std::string::npos) return out;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return p.Stdout() + p.Stderr();
}

// Item 11: flag > file > default for serve: `listen:` in --config is where
// it listens (it listened on 1025), and --listen still wins over the file.
TEST(RunVerdicts, ServeListensWhereItsConfigFileSays) {
  auto dir = e2e::MakeTempDir("serve-listen");
  int port = FreePort();
  std::string config = (dir / "f.yaml").string();
  std::ofstream(config) << "server:\n  listen: 127.0.0.1:" << port << "\n  hostname: file.test\n";
  {
    e2e::Process serve({SMTP_HARNESS_BINARY, "serve", "--config", config}, dir, "serve");
    std::string out = WaitForListening(serve);
    EXPECT_NE(out.find("listening on 127.0.0.1:" + std::to_string(port) + "\n"), std::string::npos)
        << out;
    testing::TcpClient c(port);
    EXPECT_EQ(c.ReadReply().substr(0, 14), "220 file.test ");
    serve.Signal(SIGTERM);
    EXPECT_EQ(serve.Wait(), 0);
  }
  {
    e2e::Process flag({SMTP_HARNESS_BINARY, "serve", "--config", config, "--listen", "127.0.0.1:0"},
                      dir, "flag");
    std::string out = WaitForListening(flag);
    EXPECT_NE(out.find("listening on 127.0.0.1:"), std::string::npos) << out;
    EXPECT_EQ(out.find(":" + std::to_string(port) + "\n"), std::string::npos) << out;
    flag.Signal(SIGTERM);
    EXPECT_EQ(flag.Wait(), 0);
  }
  std::filesystem::remove_all(dir);
}

// Item 18: queue ids are unique across the sessions of one serve process.
TEST(RunVerdicts, ServeQueueIdsAreUniquePerProcess) {
  e2e::Serve serve({});
  ASSERT_NE(serve.port(), 0);
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    testing::TcpClient c(serve.port());
    c.ReadReply();
    c.Command("HELO x");
    c.Command("MAIL FROM:<a@b.test>");
    c.Command("RCPT TO:<c@d.test>");
    c.Command("DATA");
    std::string reply = c.Command("hi\r\n.");
    EXPECT_EQ(reply.rfind("250 Ok: queued as ", 0), 0u) << reply;  // HELO: no 2.0.0
    ids.insert(reply);
    c.Command("QUIT");
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(serve.Stop(), 0);
}

}  // namespace
}  // namespace smtp::run_e2e
