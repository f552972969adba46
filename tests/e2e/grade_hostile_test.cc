// Issue 16: `grade` against hostile students. Each client in
// tests/fixtures/clients/hostile/ is graded by the real binary, and each test
// asserts the verdict, that nothing the client started is left (scanned in
// /proc), grade's peak RSS (/usr/bin/time: grade, or a process it reaped),
// the report's size and the wall time.
//
// When the tests run as root (CI, Gradescope) each client runs as a uid of
// its own (--client-user), so a fork bomb's RLIMIT_NPROC cannot starve
// another test's client, and "left over" is simply "any process of that
// uid". Without root, processes are found by a marker in their environment.
//
// SMTP_HARNESS_TEST_BINARY=PATH runs them against another binary without the
// new flags (an older build: how the failures before the fix were seen).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "harness/runner/process_tree.h"
#include "tests/support/child_process.h"

namespace smtp {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

const std::string kSource = SMTP_HARNESS_SOURCE_DIR;
const std::string kHostile = kSource + "/tests/fixtures/clients/hostile/";

const char* OtherBinary() { return getenv("SMTP_HARNESS_TEST_BINARY"); }
std::string Binary() { return OtherBinary() ? OtherBinary() : SMTP_HARNESS_BINARY; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Processes of `uid` (when >= 0) or with `mark` in their environment.
std::vector<pid_t> Leftovers(long uid, const std::string& mark) {
  std::vector<pid_t> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = std::stoi(name);
    if (pid == getpid()) continue;
    bool match = false;
    if (uid >= 0) {
      std::ifstream status(e.path() / "status");
      std::string line;
      while (std::getline(status, line)) {
        if (line.rfind("Uid:", 0) == 0) {
          std::istringstream fields(line.substr(4));
          long real = -1;
          fields >> real;
          match = real == uid;
          break;
        }
      }
    }
    if (!match && !mark.empty())
      match = ReadFile(e.path() / "environ").find(mark) != std::string::npos;
    if (match) out.push_back(pid);
  }
  return out;
}

struct Graded {
  int exit_code = -1;
  double seconds = 0;
  long peak_rss_kib = 0;
  size_t report_bytes = 0;
  size_t results_bytes = 0;
  json report;  // scenarios[0]
  std::string report_text, results_text, out, err;
  std::vector<pid_t> left;
};

class HostileGrade : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("smtp-harness-hostile-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::permissions(dir_, fs::perms::all, fs::perm_options::add);  // the client's cwd
    mark_ = "SMTP_HARNESS_HOSTILE_MARK=" + std::to_string(getpid()) + "x" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    if (geteuid() == 0 && !OtherBinary()) uid_ = 200000 + getpid();
  }
  void TearDown() override {
    for (pid_t p : Leftovers(uid_, mark_)) kill(p, SIGKILL);  // never leak into the machine
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  // The flags that contain a client in these tests (see the top).
  std::vector<std::string> ContainmentFlags() const {
    std::vector<std::string> flags;
    if (OtherBinary()) return flags;
    flags = {"--client-env", mark_, "--client-env", "PYTHONDONTWRITEBYTECODE"};
    if (uid_ >= 0) flags.insert(flags.end(), {"--client-user", std::to_string(uid_)});
    return flags;
  }

  // grade SCENARIO [flags] -- /usr/bin/python3 FIXTURE [args], killed after `limit`.
  // A scenario without a '/' is one of scenarios/lab/.
  Graded Grade(const std::string& fixture, std::vector<std::string> fixture_args,
               std::vector<std::string> flags, const std::string& scenario = "lab_strict.yaml",
               std::chrono::seconds limit = std::chrono::seconds(60),
               std::vector<std::string> extra_env = {}) {
    std::string scenario_path =
        scenario.find('/') == std::string::npos ? kSource + "/scenarios/lab/" + scenario : scenario;
    std::vector<std::string> argv = {Binary(),
                                     "grade",
                                     scenario_path,
                                     "--port",
                                     "0",
                                     "--no-color",
                                     "--report",
                                     (dir_ / "report.json").string(),
                                     "--gradescope",
                                     (dir_ / "results.json").string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    for (const auto& f : ContainmentFlags()) argv.push_back(f);
    argv.insert(argv.end(), {"--", "/usr/bin/python3", kHostile + fixture});
    argv.insert(argv.end(), fixture_args.begin(), fixture_args.end());
    // Peak RSS by /usr/bin/time (ci/install-deps installs it): grade is its
    // child, so the figure is grade's own, whoever started time.
    argv.insert(argv.begin(), {"/usr/bin/time", "-f", "%M", "-o", (dir_ / "rss").string()});
    Graded g = Run(argv, limit, extra_env);
    std::string rss = ReadFile(dir_ / "rss");
    size_t digits = rss.find_last_of("0123456789");
    size_t start = rss.find_last_not_of("0123456789", digits);
    if (digits != std::string::npos) {
      g.peak_rss_kib = std::stol(rss.substr(start == std::string::npos ? 0 : start + 1));
    } else {
      ADD_FAILURE() << "no peak RSS from /usr/bin/time: " << rss << "\n" << g.err.substr(0, 500);
    }
    g.report_text = ReadFile(dir_ / "report.json");
    g.results_text = ReadFile(dir_ / "results.json");
    g.report_bytes = g.report_text.size();
    g.results_bytes = g.results_text.size();
    try {
      g.report = json::parse(g.report_text)["scenarios"][0];
    } catch (const std::exception& e) {
      ADD_FAILURE() << "no JSON report: " << e.what() << "\nstdout: " << g.out.substr(0, 2000)
                    << "\nstderr: " << g.err.substr(0, 2000);
    }
    std::cout << "[ FIGURE   ] " << fixture << ": exit " << g.exit_code << ", " << g.seconds
              << " s, grade peak RSS " << g.peak_rss_kib / 1024 << " MiB, report " << g.report_bytes
              << " B, results.json " << g.results_bytes << " B, left " << g.left.size() << "\n";
    return g;
  }

  // Runs argv in dir_, killed after `limit`; then looks for what the client
  // left, at once: before the test's own runner ends grade's process group.
  Graded Run(const std::vector<std::string>& argv, std::chrono::seconds limit,
             const std::vector<std::string>& extra_env) {
    Graded g;
    test::ChildOptions options;
    options.cwd = dir_.string();
    // An older binary passes its environment on: the marker follows.
    for (const std::string& e : extra_env)
      options.env[e.substr(0, e.find('='))] = e.substr(e.find('=') + 1);
    options.env[mark_.substr(0, mark_.find('='))] = mark_.substr(mark_.find('=') + 1);
    options.env["PYTHONDONTWRITEBYTECODE"] = "1";
    auto start = std::chrono::steady_clock::now();
    test::ChildProcess grade(argv, options);
    if (!grade.WaitExit(limit))
      ADD_FAILURE() << "grade did not finish within " << limit.count() << " s";
    g.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // Right away: everything must be gone when grade has decided.
    g.left = Leftovers(uid_, mark_);
    std::optional<int> code = grade.ExitCode(Duration(0));  // time passes grade's on
    g.exit_code = code ? *code : -1;
    g.out = grade.Stdout();
    g.err = grade.Stderr();
    return g;
  }

  std::string Message(const Graded& g) const {
    return g.report.is_object() && g.report.contains("failure")
               ? g.report["failure"].value("message", "")
               : "";
  }

  void ExpectNothingLeft(const Graded& g) {
    EXPECT_TRUE(g.left.empty()) << g.left.size()
                                << " processes of the client still there, e.g. pid "
                                << g.left.front();
  }

  // Every test: bounded memory, report, results.json.
  void ExpectBounded(const Graded& g, double max_seconds) {
    EXPECT_LT(g.peak_rss_kib, 100 * 1024) << "peak RSS of grade (and what it reaped)";
    EXPECT_LT(g.report_bytes, 5u << 20);
    EXPECT_LT(g.results_bytes, 5u << 20);
    EXPECT_LT(g.seconds, max_seconds);
  }

  fs::path dir_;
  std::string mark_;
  long uid_ = -1;
};

// Item 1: setsid, setpgid, a double fork, SIGTERM ignored, SIGSTOP of itself.
TEST_F(HostileGrade, ChildrenThatLeaveTheProcessGroupAreAllGone) {
  Graded g = Grade("escape_children.py", {}, {"--timeout", "3s"});
  EXPECT_EQ(g.exit_code, 0) << Message(g) << g.err;
  EXPECT_EQ(g.report.value("status", ""), "passed");
  ExpectNothingLeft(g);
  if (!OtherBinary()) {
    EXPECT_GE(g.report["client"].value("left_running", 0), 5) << g.report["client"].dump();
  }
  ExpectBounded(g, 10);
}

// Item 1 again with the /proc sweep instead of the namespace.
TEST_F(HostileGrade, SubreaperSweepAlsoEndsThemAll) {
  if (OtherBinary()) GTEST_SKIP() << "the older binary has no --client-isolation";
  Graded g =
      Grade("escape_children.py", {}, {"--timeout", "3s", "--client-isolation", "subreaper"});
  EXPECT_EQ(g.exit_code, 0) << Message(g) << g.err;
  EXPECT_EQ(g.report["client"].value("containment", "").rfind("subreaper", 0), 0u);
  ExpectNothingLeft(g);
  ExpectBounded(g, 10);
}

// Item 3: SIGSTOP to its parent, to every process it sees, to kill(-1).
TEST_F(HostileGrade, StoppingItsParentDoesNotFreezeGrade) {
  Graded g = Grade("stop_parent.py", {}, {"--timeout", "1s", "--run-timeout", "3s"},
                   "lab_strict.yaml", std::chrono::seconds(20));
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(Message(g).find("never connected"), std::string::npos) << Message(g);
  ExpectNothingLeft(g);
  ExpectBounded(g, 6);
}

// Item 4: the grader's environment never reaches the client.
TEST_F(HostileGrade, TheGradersEnvironmentDoesNotReachTheClient) {
  Graded g = Grade("steal_env.py", {}, {"--timeout", "3s"}, "lab_strict.yaml",
                   std::chrono::seconds(60), {"GRADESCOPE_API_TOKEN=tok-3f9a-not-for-students"});
  EXPECT_EQ(g.exit_code, 0) << Message(g) << g.err;
  EXPECT_EQ(g.report_text.find("tok-3f9a-not-for-students"), std::string::npos);
  EXPECT_EQ(g.results_text.find("tok-3f9a-not-for-students"), std::string::npos);
  // Exactly PATH, HOME, LANG (if set), SMTP_HARNESS_PORT and what --client-env named.
  std::string out = g.report["client"].value("stdout", "");
  std::set<std::string> names;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("ENV ", 0) == 0) names.insert(line.substr(4, line.find('=') - 4));
  }
  names.erase("LANG");
  names.erase("LC_CTYPE");  // Python sets it itself (PEP 538) when LANG is unset
  EXPECT_EQ(names, (std::set<std::string>{"HOME", "PATH", "SMTP_HARNESS_PORT",
                                          "PYTHONDONTWRITEBYTECODE", "SMTP_HARNESS_HOSTILE_MARK"}))
      << out.substr(0, 2000);
  EXPECT_NE(out.find("ENV HOME=/tmp/smtp-harness-home-"), std::string::npos) << out.substr(0, 2000);
  ExpectNothingLeft(g);
  ExpectBounded(g, 10);
}

// Item 5: a 100 MB message: refused with 552 past the size cap, all bounded.
TEST_F(HostileGrade, AHundredMegabyteMessageIsRefusedAndBounded) {
  Graded g = Grade("huge_message.py", {"100"}, {"--timeout", "5s", "--run-timeout", "30s"});
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(Message(g).find("larger than the message size cap of 10485760 bytes"),
            std::string::npos)
      << Message(g);
  EXPECT_NE(g.report["client"].value("stdout", "").find("final reply: b'552"), std::string::npos)
      << g.report["client"].value("stdout", "");
  ExpectNothingLeft(g);
  ExpectBounded(g, 30);
}

// Item 5: 3 million pipelined NOOPs: the session is closed at the cap.
TEST_F(HostileGrade, ThreeMillionPipelinedNoopsAreCutAtTheCap) {
  Graded g = Grade("noop_flood.py", {"3000000"}, {"--timeout", "5s", "--run-timeout", "30s"},
                   "lab_lenient.yaml");
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.report_text.find("the unexpected-command cap"), std::string::npos);
  ExpectNothingLeft(g);
  ExpectBounded(g, 30);
}

// A plain fork bomb (no setsid): limited by --client-max-procs, all killed.
TEST_F(HostileGrade, AForkBombIsContainedAndKilled) {
  if (OtherBinary()) GTEST_SKIP() << "not against a grade without containment";
  Graded g = Grade("fork_bomb.py", {}, {"--timeout", "1s", "--run-timeout", "2s"},
                   "lab_strict.yaml", std::chrono::seconds(30));
  EXPECT_EQ(g.exit_code, 1);
  ExpectNothingLeft(g);
  ExpectBounded(g, 10);
}

// 1 GiB on stdout: 1 MiB kept, the rest counted; killed at the deadline.
TEST_F(HostileGrade, AGibibyteOnStdoutIsCappedAndBounded) {
  Graded g = Grade("stdout_flood.py", {"1024"}, {"--timeout", "2s", "--run-timeout", "4s"},
                   "lab_strict.yaml", std::chrono::seconds(30));
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(g.report["client"].value("stdout", "").find("[truncated: "), std::string::npos);
  ExpectNothingLeft(g);
  ExpectBounded(g, 8);
}

// Passes its session, then never exits (SIGTERM ignored): killed, failed.
TEST_F(HostileGrade, AClientThatNeverExitsIsKilledAndFailed) {
  Graded g = Grade("never_exits.py", {}, {"--timeout", "2s"});
  EXPECT_EQ(g.exit_code, 1);
  EXPECT_NE(Message(g).find("did not exit"), std::string::npos) << Message(g);
  ExpectNothingLeft(g);
  ExpectBounded(g, 8);
}

// Item 2: the student writes a 10/10 results.json and kills the grader, in
// the Gradescope layout of docs/gradescope/run_autograder (run as root, the
// client as another user): the genuine result is what lands.
TEST_F(HostileGrade, AForgedResultsFileIsNotWhatLands) {
  const fs::path root = dir_ / "autograder";
  for (const char* sub : {"source", "submission", "results"}) fs::create_directories(root / sub);
  fs::copy_file(kSource + "/docs/gradescope/run_autograder", root / "run_autograder");
  fs::copy_file(kSource + "/scenarios/lab/lab_strict.yaml", root / "source/lab_strict.yaml");
  fs::copy_file(kHostile + "forge_results.py", root / "submission/smtp_client.py");
  fs::copy_file(kHostile + "hostile_lab.py", root / "submission/hostile_lab.py");
  fs::permissions(root / "submission", fs::perms::all, fs::perm_options::add);
  std::string grade_args;
  for (const auto& f : ContainmentFlags()) grade_args += (grade_args.empty() ? "" : " ") + f;
  Graded g =
      Run({"/bin/bash", (root / "run_autograder").string()}, std::chrono::seconds(30),
          {"AUTOGRADER_ROOT=" + root.string(), "SMTP_HARNESS=" + Binary(), "LAB_PORT=0",
           "LAB_TIMEOUT=1s", "LAB_GRADE_ARGS=" + grade_args, "PATH=/usr/local/bin:/usr/bin:/bin"});
  std::string results = ReadFile(root / "results/results.json");
  std::cout << "[ FIGURE   ] forge_results.py: " << g.seconds << " s, peak RSS "
            << g.peak_rss_kib / 1024 << " MiB, results.json " << results.size() << " B\n";
  EXPECT_EQ(results.find("FORGED"), std::string::npos) << results.substr(0, 2000);
  json j = json::parse(results, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << results.substr(0, 2000) << g.out << g.err;
  EXPECT_EQ(j.value("score", -1.0), 0.0) << results.substr(0, 2000);
  // grade itself judged (it was not killed): the client never connected.
  EXPECT_NE(results.find("never connected"), std::string::npos) << results.substr(0, 2000);
  ExpectNothingLeft(g);
  EXPECT_LT(g.seconds, 10);
}

// Item 6: AUTH PLAIN's initial response and AUTH LOGIN's base64 lines are
// redacted by session state, in the transcript and every report.
TEST_F(HostileGrade, AuthSecretsNeverReachTheReports) {
  Graded g = Grade("auth_secret.py", {}, {"--timeout", "3s"},
                   kSource + "/tests/fixtures/grade/auth_lab.yaml");
  EXPECT_EQ(g.exit_code, 0) << Message(g) << g.err;
  // The password, its base64 alone (AUTH LOGIN) and within AUTH PLAIN's.
  for (const char* secret :
       {"hunter2-sekrit", "aHVudGVyMi1zZWtyaXQ=", "AHN0dWRlbnQAaHVudGVyMi1zZWtyaXQ="}) {
    EXPECT_EQ(g.report_text.find(secret), std::string::npos) << secret;
    EXPECT_EQ(g.results_text.find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(g.report_text.find("AUTH PLAIN <redacted>"), std::string::npos);
  ExpectNothingLeft(g);
  ExpectBounded(g, 10);
}

}  // namespace
}  // namespace smtp
