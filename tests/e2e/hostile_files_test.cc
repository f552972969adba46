// Issue 17, items 4 and 5: report files cannot be turned against their
// writer (planted symlinks, a report path naming an input or another
// report), and a scenario file from elsewhere can neither run a command
// under `run` nor read files outside its folder.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

constexpr const char* kPassing =
    "name: ok\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n";

TEST(HostileFiles, PlantedSymlinksAreNotFollowed) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  dir.Write("victim", "precious\n");
  // The old temporary name, and the report path itself, point at the victim.
  fs::create_symlink(dir.path() + "/victim", dir.path() + "/r.json.tmp");
  fs::create_symlink(dir.path() + "/victim", dir.path() + "/j.xml");
  // A planted name pointing where nothing is yet: nothing may be created there.
  fs::create_symlink(dir.path() + "/created", dir.path() + "/j.xml.tmp");
  auto r = RunHarness({"s.yaml", "--report", "r.json", "--junit", "j.xml"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(dir.Read("victim"), "precious\n");
  EXPECT_FALSE(fs::exists(dir.path() + "/created"));
  EXPECT_FALSE(fs::is_symlink(dir.path() + "/j.xml"));  // the link itself was replaced
  EXPECT_NE(dir.Read("j.xml").find("<testsuite"), std::string::npos);
  EXPECT_NE(dir.Read("r.json").find("\"scenarios\""), std::string::npos);
  for (auto& e : fs::directory_iterator(dir.path())) {  // no temporary file left behind
    EXPECT_EQ(e.path().filename().string().find(".r.json."), std::string::npos) << e.path();
  }
}

// A report kept private (0600: it holds transcripts) stays private when a
// new run replaces it (before: the new file was 0666 & ~umask).
TEST(HostileFiles, AReplacedReportKeepsItsMode) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  dir.Write("r.json", "old\n");
  fs::permissions(dir.path() + "/r.json", fs::perms::owner_read | fs::perms::owner_write);
  auto r = RunHarness({"s.yaml", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(dir.Read("r.json").find("\"scenarios\""), std::string::npos);
  EXPECT_EQ(fs::status(dir.path() + "/r.json").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST(HostileFiles, AReportPathNamingAnInputOrAnotherReportIsRefusedBeforeRunning) {
  TempDir dir;
  dir.Write("mine.yaml", kPassing);
  dir.Write("body.txt", "Subject: x\n\nhi\n");
  dir.Write("d/data.yaml", "name: d\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n");
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Case& c : std::vector<Case>{
           {{"mine.yaml", "--report", "mine.yaml"}, "is the input mine.yaml"},
           {{"mine.yaml", "--report", "./d/../mine.yaml"}, "is the input mine.yaml"},
           {{"d", "--junit", "d/data.yaml"}, "is the input"},
           {{"mine.yaml", "--report", "x", "--junit", "x"}, "name the same file"},
           {{"mine.yaml", "--junit", "x", "--gradescope", "./x"}, "name the same file"},
       }) {
    auto r = RunHarness(c.args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << c.args[2] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("PASS"), std::string::npos) << "it ran: " << r.out;
  }
  EXPECT_EQ(dir.Read("mine.yaml"), kPassing);
  EXPECT_FALSE(dir.Exists("x"));
  // Devices may be shared.
  auto ok =
      RunHarness({"mine.yaml", "--report", "/dev/null", "--junit", "/dev/null"}, InDir(dir.path()));
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

// load and grade write reports too: the same refusals as run, and every
// report path (--html too) checked writable before anything runs.
TEST(HostileFiles, LoadAndGradeRefuseReportPathsAsRunDoes) {
  TempDir dir;
  dir.Write("mine.yaml", kPassing);
  constexpr const char* kServer =
      "name: srv\nmode: server\nsteps:\n  - reply: 220 hi\n  - expect_close: true\n";
  dir.Write("srv.yaml", kServer);
  dir.Write("client.sh", "exit 0\n");
  const std::string bin = SMTP_HARNESS_BINARY;
  struct Case {
    std::vector<std::string> args;
    const char* says;
  };
  const std::vector<std::string> load = {bin, "load", "mine.yaml", "-n", "1"};
  const std::vector<std::string> grade = {bin, "grade", "srv.yaml", "--port", "0"};
  auto with = [](std::vector<std::string> a, std::vector<std::string> more) {
    if (a[1] == "grade") more.insert(more.end(), {"--", "/bin/sh", "client.sh"});
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  for (const Case& c : std::vector<Case>{
           {with(load, {"--report", "mine.yaml"}), "is the input mine.yaml"},
           {with(load, {"--report", "x", "--html", "./x"}), "name the same file"},
           {with(load, {"--html", "missing/x.html"}), "cannot write HTML report"},
           {with(grade, {"--report", "srv.yaml"}), "is the input srv.yaml"},
           {with(grade, {"--report", "x", "--junit", "x"}), "name the same file"},
           {with(grade, {"--gradescope", "client.sh"}), "is the input client.sh"},
           {with(grade, {"--html", "missing/x.html"}), "cannot write HTML report"},
           {{bin, "run", "mine.yaml", "--html", "missing/x.html"}, "cannot write HTML report"},
       }) {
    auto r = RunProcess(c.args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << c.args[1] << " " << c.args[5] << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
  }
  EXPECT_EQ(dir.Read("mine.yaml"), kPassing);
  EXPECT_EQ(dir.Read("srv.yaml"), kServer);
  EXPECT_EQ(dir.Read("client.sh"), "exit 0\n");
  EXPECT_FALSE(dir.Exists("x"));
}

// `report` reads a JSON report and writes HTML: the one must not be the other.
TEST(HostileFiles, ReportRefusesToWriteItsHtmlOverItsInput) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  ASSERT_EQ(RunHarness({"s.yaml", "--report", "r.json"}, InDir(dir.path())).exit_code, 0);
  const std::string json = dir.Read("r.json");
  auto r = RunProcess({SMTP_HARNESS_BINARY, "report", "r.json", "--html", "./r.json"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("is the input"), std::string::npos) << r.err;
  EXPECT_EQ(dir.Read("r.json"), json);
}

TEST(HostileFiles, RunDoesNotExecuteClientCommandsWithoutAllowClient) {
  TempDir dir;
  dir.Write("s/evil.yaml",
            "name: evil\nmode: server\ntimeout: 1s\nclient_shell: true\n"
            "client: touch PWNED; exit 0\n"
            "steps:\n  - reply: 220 hi\n  - expect_close: true\n");
  auto v = RunProcess({SMTP_HARNESS_BINARY, "validate", "s"}, InDir(dir.path()));
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("s/evil.yaml: note: runs a client command with /bin/sh -c: touch PWNED"),
            std::string::npos)
      << v.out;
  // Named on the command line: an error that says what to do.
  auto r = RunHarness({"s/evil.yaml", "--target",
                       "smtp://127.0.0.1:" + std::to_string(ClosedPort()), "--report", "r.json"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_FALSE(dir.Exists("s/PWNED"));
  EXPECT_FALSE(dir.Exists("PWNED"));
  EXPECT_NE((r.out + r.err).find("--allow-client"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("smtp-harness grade"), std::string::npos) << r.out << r.err;
  // Found by walking a folder (`run scenarios/`): skipped with the same
  // advice, so the run passes and binds nothing (issue 23 item 2).
  dir.Write("s/ok.yaml", "name: ok\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n");
  auto walk = RunHarness({"s", "--report", "walk.json"}, InDir(dir.path()));
  EXPECT_EQ(walk.exit_code, 0) << walk.out << walk.err;
  EXPECT_FALSE(dir.Exists("s/PWNED"));
  EXPECT_FALSE(dir.Exists("PWNED"));
  EXPECT_NE(walk.out.find("- evil"), std::string::npos) << walk.out;
  EXPECT_NE(walk.out.find("skipped: server-mode scenario"), std::string::npos) << walk.out;
  EXPECT_NE(walk.out.find("smtp-harness grade s/evil.yaml"), std::string::npos) << walk.out;
  EXPECT_NE(walk.out.find("1 passed, 0 failed, 0 errors, 1 skipped"), std::string::npos)
      << walk.out;
  EXPECT_NE(dir.Read("walk.json").find("\"skip_reason\""), std::string::npos);
  // With the flag the client runs (contained as grade runs it: as root, under
  // another user, so it may not be able to write here).
  auto allowed = RunHarness({"s", "--allow-client", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ((allowed.out + allowed.err).find("--allow-client"), std::string::npos) << allowed.out;
  EXPECT_NE(allowed.out.find("touch PWNED; exit 0' (exit 0)"), std::string::npos)
      << allowed.out << allowed.err;
}

TEST(HostileFiles, DataFilesMustStayInsideTheScenarioFolder) {
  TempDir dir;
  dir.Write("secret.txt", "Subject: stolen\n\nssh-rsa AAAA\n");
  fs::create_directories(dir.path() + "/s");
  fs::create_symlink(dir.path() + "/secret.txt", dir.path() + "/s/link.txt");
  auto scenario = [](const std::string& file) {
    return "name: n\nsteps:\n  - expect: 220\n  - send: HELO x\n    expect: 250\n"
           "  - send: MAIL FROM:<a@x.test>\n    expect: 250\n"
           "  - send: RCPT TO:<b@x.test>\n    expect: 250\n  - send: DATA\n    expect: 354\n"
           "  - data: {file: " +
           file + "}\n    expect: 250\n";
  };
  dir.Write("s/dotdot.yaml", scenario("../secret.txt"));
  dir.Write("s/absolute.yaml", scenario(dir.path() + "/secret.txt"));
  dir.Write("s/symlink.yaml", scenario("link.txt"));
  auto v = RunProcess({SMTP_HARNESS_BINARY, "validate", "s"}, InDir(dir.path()));
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_NE(v.err.find("dotdot.yaml:12:"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("'../secret.txt' leaves the scenario's folder"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("is an absolute path"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("out of the scenario's folder"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find("--allow-outside-files"), std::string::npos) << v.err;
  auto r = RunHarness({"s", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_FALSE(dir.Exists("r.json"));
  auto v2 = RunProcess({SMTP_HARNESS_BINARY, "validate", "--allow-outside-files", "s"},
                       InDir(dir.path()));
  EXPECT_EQ(v2.exit_code, 0) << v2.err;
  auto r2 = RunHarness({"s", "--allow-outside-files", "--report", "r.json"}, InDir(dir.path()));
  EXPECT_EQ(r2.exit_code, 0) << r2.out << r2.err;
}

}  // namespace
}  // namespace smtp::run_e2e
