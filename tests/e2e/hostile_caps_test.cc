// Issue 17, item 6: `run` against a server that answers EHLO with 3.6 MB
// (under any per-reply byte cap a client might use): the step fails naming
// the cap, peak RSS and the report stay small. Also the rfc5321 suite with
// -j 4 against it, and a data: {file} over its cap. Peak RSS is measured
// with /usr/bin/time (as docs/robustness.md gives the commands).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "tests/e2e/run_support.h"
#include "tests/e2e/serve_process.h"

namespace smtp::run_e2e {
namespace {

using std::chrono::seconds;

void Figure(const std::string& name, long value) {
  std::printf("[ FIGURE   ] %s = %ld\n", name.c_str(), value);
  ::testing::Test::RecordProperty(name, std::to_string(value));
}

class EhloBomb {
 public:
  explicit EhloBomb(int line_length) : dir_(e2e::MakeTempDir("ehlo-bomb")) {
    proc_ = std::make_unique<e2e::Process>(
        std::vector<std::string>{
            "/usr/bin/python3",
            std::string(SMTP_HARNESS_SOURCE_DIR) + "/tests/e2e/hostile_ehlo_server.py",
            std::to_string(line_length)},
        dir_, "bomb");
    for (int i = 0; i < 1000 && port_ == 0; ++i) {
      std::string out = proc_->Stdout();
      if (out.find('\n') != std::string::npos) port_ = std::stoi(out);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~EhloBomb() { std::filesystem::remove_all(dir_); }
  std::string target() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<e2e::Process> proc_;
  int port_ = 0;
};

// `/usr/bin/time -f MAXRSS=%M smtp-harness run ARGS`; the peak RSS in KiB.
ProcResult TimedRun(std::vector<std::string> args, const std::string& cwd, long* rss_kib) {
  args.insert(args.begin(), {"/usr/bin/time", "-f", "MAXRSS=%M", SMTP_HARNESS_BINARY, "run"});
  ProcOptions o = InDir(cwd);
  o.timeout = std::chrono::milliseconds(120000);
  ProcResult r = RunProcess(args, o);
  size_t at = r.err.rfind("MAXRSS=");
  *rss_kib = at == std::string::npos ? -1 : std::stol(r.err.substr(at + 7));
  return r;
}

constexpr const char* kEhlo =
    "name: ehlo\nsteps:\n  - expect: 220\n  - send: EHLO x\n    expect: 250\n"
    "  - send: QUIT\n    expect: 221\n";

TEST(HostileCaps, AThreeMegabyteEhloReplyFailsTheStepNamingTheCap) {
  for (auto [line_length, cap] :
       {std::pair{100, "cap: reply lines per reply"}, std::pair{60000, "cap: reply bytes"}}) {
    EhloBomb bomb(line_length);
    ASSERT_GT(bomb.port(), 0);
    TempDir dir;
    dir.Write("ehlo.yaml", kEhlo);
    long rss = 0;
    auto r =
        TimedRun({"ehlo.yaml", "--target", bomb.target(), "--report", "r.json", "--junit", "r.xml"},
                 dir.path(), &rss);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find(cap), std::string::npos) << r.out.substr(0, 2000);
    auto size = std::filesystem::file_size(dir.path() + "/r.json");
    Figure("ehlo_bomb_" + std::to_string(line_length) + "_run_maxrss_kib", rss);
    Figure("ehlo_bomb_" + std::to_string(line_length) + "_report_bytes", static_cast<long>(size));
    EXPECT_LT(rss, 100 * 1024);
    EXPECT_LT(size, 5u * 1024 * 1024);
    EXPECT_LT(std::filesystem::file_size(dir.path() + "/r.xml"), 5u * 1024 * 1024);
    EXPECT_NE(dir.Read("r.json").find("cap: transcript bytes per scenario"), std::string::npos);
  }
}

TEST(HostileCaps, TheRfc5321SuiteWithFourJobsStaysBounded) {
  EhloBomb bomb(500);
  ASSERT_GT(bomb.port(), 0);
  TempDir dir;
  long rss = 0;
  auto t0 = std::chrono::steady_clock::now();
  auto r = TimedRun({std::string(SMTP_HARNESS_SOURCE_DIR) + "/scenarios/rfc5321", "-j", "4",
                     "--target", bomb.target(), "--timeout", "5s", "--report", "r.json"},
                    dir.path(), &rss);
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 2000);
  auto size = std::filesystem::file_size(dir.path() + "/r.json");
  Figure("rfc5321_j4_ehlo_bomb_run_maxrss_kib", rss);
  Figure("rfc5321_j4_ehlo_bomb_report_bytes", static_cast<long>(size));
  Figure("rfc5321_j4_ehlo_bomb_seconds",
         std::chrono::duration_cast<seconds>(std::chrono::steady_clock::now() - t0).count());
  EXPECT_LT(rss, 150 * 1024);
  EXPECT_LT(size, 32u * 1024 * 1024);
}

TEST(HostileCaps, ADataFileOverItsCapIsAnErrorNotAMemoryBlowUp) {
  TempDir dir;
  dir.Write("big.yaml",
            "name: big\nsteps:\n  - expect: 220\n  - send: HELO x\n    expect: 250\n"
            "  - send: MAIL FROM:<a@x.test>\n    expect: 250\n"
            "  - send: RCPT TO:<b@x.test>\n    expect: 250\n  - send: DATA\n    expect: 354\n"
            "  - data: {file: big.eml}\n    expect: 250\n");
  {
    // A sparse 300 MB file: no disk used, but 300 MB to whoever reads it.
    std::FILE* f = std::fopen((dir.path() + "/big.eml").c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(::ftruncate(::fileno(f), 300L * 1024 * 1024), 0);
    std::fclose(f);
  }
  long rss = 0;
  auto r = TimedRun({"big.yaml", "--report", "r.json"}, dir.path(), &rss);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("(cap: data file size)"), std::string::npos) << r.out;
  Figure("data_file_300mb_run_maxrss_kib", rss);
  EXPECT_LT(rss, 100 * 1024);
  EXPECT_LT(std::filesystem::file_size(dir.path() + "/r.json"), 1u * 1024 * 1024);
}

}  // namespace
}  // namespace smtp::run_e2e
