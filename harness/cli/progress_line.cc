#include "harness/cli/progress_line.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace smtp::cli {

namespace {

size_t TerminalWidth() {
  winsize w{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_col > 20) return w.ws_col;
  return 80;
}

}  // namespace

std::string ProgressLine::Format(size_t done, size_t total,
                                 const std::map<size_t, std::string>& running,
                                 std::chrono::steady_clock::duration elapsed, size_t width) {
  char head[64];
  std::snprintf(head, sizeof head, "[%zu/%zu] %.1fs", done, total,
                std::chrono::duration<double>(elapsed).count());
  std::string line = head;
  if (!running.empty()) {
    line += " running: ";
    bool first = true;
    for (const auto& [index, name] : running) {
      line += (first ? "" : ", ") + name;
      first = false;
    }
  }
  // One terminal row: a wrapped line could not be erased with \r.
  if (width > 1 && line.size() > width - 1) line = line.substr(0, width - 4) + "...";
  return line;
}

ProgressLine::ProgressLine(std::ostream& out, size_t total, bool enabled)
    : out_(out), total_(total), enabled_(enabled) {
  if (!enabled_) return;
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stopping_) {
      DrawLocked();
      wake_.wait_for(lock, std::chrono::milliseconds(250));
    }
  });
}

ProgressLine::~ProgressLine() {
  if (!enabled_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    EraseLocked();
  }
  wake_.notify_all();
  ticker_.join();
}

void ProgressLine::Started(size_t index, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  running_[index] = name;
  DrawLocked();
}

// Erased by overwriting with spaces, not with an escape sequence: the line
// must work on any terminal and add no escapes for NO_COLOR users to filter.
void ProgressLine::EraseLocked() {
  if (!enabled_ || drawn_ == 0) return;
  out_ << '\r' << std::string(drawn_, ' ') << '\r' << std::flush;
  drawn_ = 0;
}

void ProgressLine::DrawLocked() {
  if (!enabled_ || stopping_) return;
  std::string line =
      Format(done_, total_, running_, std::chrono::steady_clock::now() - start_, TerminalWidth());
  size_t pad = drawn_ > line.size() ? drawn_ - line.size() : 0;
  out_ << '\r' << line << std::string(pad, ' ') << std::flush;
  drawn_ = line.size() + pad;
}

}  // namespace smtp::cli
