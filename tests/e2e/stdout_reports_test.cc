// Standard output takes one report at most: "-", /dev/stdout, /dev/fd/1,
// /proc/self/fd/1 and links to them all land there. Two of them would be one
// mixed stream (`--report - --junit /dev/stdout`): refused before anything
// runs, naming both flags. The one report there is alone (the text summary
// moves to stderr), and a name of standard output is written through, never
// replaced by a file when standard output is redirected to one.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/run_support.h"

namespace smtp::run_e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPassing =
    "name: ok\nsteps:\n  - expect: 220\n  - send: QUIT\n    expect: 221\n";
constexpr const char* kServer =
    "name: srv\nmode: server\nsteps:\n  - reply: 220 hi\n  - expect_close: true\n";

TEST(StdoutReports, TwoReportsOnStandardOutputAreRefusedNamingBothFlags) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  dir.Write("srv.yaml", kServer);
  dir.Write("client.sh", "exit 0\n");
  fs::create_symlink("/proc/self/fd/1", dir.path() + "/out-link");
  const std::string bin = SMTP_HARNESS_BINARY;
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  const std::vector<std::string> run = {bin, "run", "s.yaml"};
  const std::vector<std::string> load = {bin, "load", "s.yaml", "-n", "1"};
  const std::vector<std::string> grade = {bin, "grade", "srv.yaml", "--port", "0"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& more) {
    a.insert(a.end(), more.begin(), more.end());
    if (a[1] == "grade") a.insert(a.end(), {"--", "/bin/sh", "client.sh"});
    return a;
  };
  const std::string both = " both write to standard output";
  for (const Case& c : std::vector<Case>{
           {with(run, {"--report", "-", "--junit", "/dev/stdout"}),
            "--report - and --junit /dev/stdout" + both},
           {with(run, {"--report", "-", "--junit", "/proc/self/fd/1"}),
            "--report - and --junit /proc/self/fd/1" + both},
           {with(run, {"--report", "r.json", "--junit", "-", "--gradescope", "/dev/fd/1"}),
            "--junit - and --gradescope /dev/fd/1" + both},
           {with(run, {"--report", "out-link", "--html", "-"}),
            "--report out-link and --html -" + both},
           {with(load, {"--report", "-", "--html", "/dev/stdout"}),
            "--report - and --html /dev/stdout" + both},
           {with(grade, {"--report", "/dev/stdout", "--junit", "-"}),
            "--report /dev/stdout and --junit -" + both},
       }) {
    auto r = RunProcess(c.args, InDir(dir.path()));
    std::string cmd;
    for (size_t i = 1; i < c.args.size(); ++i) cmd += " " + c.args[i];
    EXPECT_EQ(r.exit_code, 2) << cmd << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << cmd << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << cmd << "\n" << r.err;
    EXPECT_EQ(r.out, "") << cmd;  // nothing ran, nothing written
  }
  EXPECT_FALSE(dir.Exists("r.json"));
  EXPECT_TRUE(fs::is_symlink(dir.path() + "/out-link"));
}

// One report on standard output is alone there: the summary goes to stderr.
TEST(StdoutReports, OneReportOnStandardOutputIsAloneThere) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"s.yaml", "--report", "r.json", "--junit", "/dev/stdout"},
           {"s.yaml", "--report", "r.json", "--junit", "-"},
       }) {
    auto r = RunHarness(args, InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("<?xml", 0), 0u) << args[4] << ":\n" << r.out;
    EXPECT_NE(r.out.find("</testsuites>"), std::string::npos) << r.out;
  }
  EXPECT_NE(dir.Read("r.json").find("\"scenarios\""), std::string::npos);
}

// Standard output redirected to a file makes /proc/self/fd/1 (and so
// /dev/stdout) a link to a regular file. A report path naming it is still
// standard output: written into that file, the link never replaced (as root,
// `--junit /dev/stdout > out.txt` would otherwise replace /dev/stdout).
TEST(StdoutReports, ANameOfStandardOutputIsWrittenThroughWhenItIsAFile) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  fs::create_symlink("/proc/self/fd/1", dir.path() + "/out-link");
  const std::string cmd = std::string("exec '") + SMTP_HARNESS_BINARY +
                          "' run s.yaml --report r.json --junit out-link > out.txt";
  auto r = RunProcess({"/bin/sh", "-c", cmd}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::is_symlink(dir.path() + "/out-link"));
  const std::string out = dir.Read("out.txt");
  EXPECT_EQ(out.rfind("<?xml", 0), 0u) << out;
  EXPECT_NE(out.find("</testsuites>"), std::string::npos) << out;
}

// Standard output redirected to a file: that file, under its own name or as
// /dev/stderr after 2>&1, is standard output too. Two reports there were
// one lost report (each open truncated the other's bytes); one report there
// is written through standard output, alone.
TEST(StdoutReports, TheFileStandardOutputIsCountsAsStandardOutput) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  const std::string bin = std::string("exec '") + SMTP_HARNESS_BINARY + "' run s.yaml ";
  for (const std::string& args : {std::string("--report - --junit out.txt > out.txt"),
                                  std::string("--report - --junit ./out.txt > out.txt"),
                                  std::string("--report - --junit /dev/stderr > out.txt 2>&1")}) {
    dir.Write("out.txt", "");
    auto r =
        RunProcess({"/bin/sh", "-c",
                    bin + args + (args.find("2>&1") == std::string::npos ? " 2> err.txt" : "")},
                   InDir(dir.path()));
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << dir.Read("out.txt");
    const std::string err =
        args.find("2>&1") == std::string::npos ? dir.Read("err.txt") : dir.Read("out.txt");
    EXPECT_NE(err.find("both write to standard output"), std::string::npos) << args << "\n" << err;
  }
  auto r = RunProcess({"/bin/sh", "-c", bin + "--report r.json --junit out.txt > out.txt"},
                      InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const std::string out = dir.Read("out.txt");
  EXPECT_EQ(out.rfind("<?xml", 0), 0u) << out;
  EXPECT_NE(out.find("</testsuites>"), std::string::npos) << out;
  EXPECT_NE(dir.Read("r.json").find("\"scenarios\""), std::string::npos);
}

// A name of another descriptor (here a link to /proc/self/fd/2, as
// /dev/stderr is) is that descriptor, redirected to a file or not: the
// report is written to it and the link is never replaced. Renamed over,
// /dev/stderr itself was replaced by a regular file for the whole machine.
TEST(StdoutReports, ANameOfStandardErrorIsWrittenThroughNeverReplaced) {
  TempDir dir;
  dir.Write("s.yaml", kPassing);
  fs::create_symlink("/proc/self/fd/2", dir.path() + "/err-link");
  const std::string cmd = std::string("exec '") + SMTP_HARNESS_BINARY +
                          "' run s.yaml --report r.json --junit err-link > out.txt 2> err.txt";
  auto r = RunProcess({"/bin/sh", "-c", cmd}, InDir(dir.path()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(fs::is_symlink(dir.path() + "/err-link"));
  const std::string err = dir.Read("err.txt");
  EXPECT_EQ(err.rfind("<?xml", 0), 0u) << err;
  EXPECT_NE(err.find("</testsuites>"), std::string::npos) << err;
}

}  // namespace
}  // namespace smtp::run_e2e
