// The live status line `run` shows on a terminal while scenarios run:
// "[3/10] running: ehlo_basic, size_limit (4.2s)", redrawn in place on
// stderr a few times a second and erased before any other output, so the
// scenario lines above it stay clean. Never drawn into a pipe or a file.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace smtp::cli {

class ProgressLine {
 public:
  // Draws only when `enabled` (the caller checks stdout and stderr are TTYs).
  ProgressLine(std::ostream& out, size_t total, bool enabled);
  ~ProgressLine();  // erases the line
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void Started(size_t index, const std::string& name);
  // Erases the line, runs `print` (which writes the scenario's own line),
  // counts the scenario done and redraws.
  template <typename F>
  void Finished(size_t index, F&& print) {
    std::lock_guard<std::mutex> lock(mu_);
    EraseLocked();
    print();
    running_.erase(index);
    ++done_;
    DrawLocked();
  }

  // The text of the line for these figures (exposed for tests).
  static std::string Format(size_t done, size_t total, const std::map<size_t, std::string>& running,
                            std::chrono::steady_clock::duration elapsed, size_t width);

 private:
  void EraseLocked();
  void DrawLocked();

  std::ostream& out_;
  const size_t total_;
  const bool enabled_;
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  size_t drawn_ = 0;  // characters on the terminal row now
  size_t done_ = 0;
  std::map<size_t, std::string> running_;
  std::thread ticker_;
};

}  // namespace smtp::cli
