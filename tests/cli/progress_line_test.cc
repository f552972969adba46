#include "harness/cli/progress_line.h"

#include <gtest/gtest.h>

#include <sstream>

namespace smtp::cli {
namespace {

TEST(ProgressLine, Format) {
  using std::chrono::milliseconds;
  EXPECT_EQ(ProgressLine::Format(3, 10, {{3, "ehlo"}, {4, "size"}}, milliseconds(4200), 80),
            "[3/10] 4.2s running: ehlo, size");
  EXPECT_EQ(ProgressLine::Format(10, 10, {}, milliseconds(0), 80), "[10/10] 0.0s");
  std::string cut = ProgressLine::Format(0, 1, {{0, std::string(200, 'x')}}, milliseconds(0), 40);
  EXPECT_EQ(cut.size(), 39u);  // fits one row, so \r can erase it
  EXPECT_EQ(cut.substr(36), "...");
}

TEST(ProgressLine, DisabledWritesNothing) {
  std::ostringstream out;
  {
    ProgressLine p(out, 2, false);
    p.Started(0, "a");
    p.Finished(0, [&] { out << "line\n"; });
  }
  EXPECT_EQ(out.str(), "line\n");
}

// Before another line is printed, the status line is overwritten with
// spaces and the cursor returned ("\r   \r"); at the end nothing is left.
bool ErasedBefore(const std::string& s, size_t pos) {
  if (pos == 0 || s[pos - 1] != '\r') return false;
  size_t start = s.rfind('\r', pos - 2);
  return start != std::string::npos && pos - 1 > start + 1 &&
         s.substr(start + 1, pos - 2 - start).find_first_not_of(' ') == std::string::npos;
}

TEST(ProgressLine, ErasesBeforePrintingAndAtTheEnd) {
  std::ostringstream out;
  {
    ProgressLine p(out, 2, true);
    p.Started(0, "first");
    p.Finished(0, [&] { out << "RESULT\n"; });
  }
  std::string s = out.str();
  EXPECT_NE(s.find("running: first"), std::string::npos) << s;
  EXPECT_TRUE(ErasedBefore(s, s.find("RESULT\n"))) << s;
  EXPECT_NE(s.find("[1/2]"), std::string::npos) << s;
  EXPECT_EQ(s.find('\033'), std::string::npos);  // no escape sequences at all
  EXPECT_TRUE(ErasedBefore(s, s.size())) << s;
}

}  // namespace
}  // namespace smtp::cli
