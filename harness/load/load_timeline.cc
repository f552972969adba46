#include "harness/load/load_timeline.h"

namespace smtp {

void LoadTimeline::Add(const LoadTimelineSample& sample, bool force) {
  if (!samples_.empty()) {
    const LoadTimelineSample& last = samples_.back();
    if (sample.t_s < last.t_s) return;
    // 0.9: the waiting thread wakes a little early or late; a sample
    // that came a hair before its period is still the next one.
    if (!force && sample.t_s - last.t_s < period_s_ * 0.9) return;
  }
  samples_.push_back(sample);
  if (samples_.size() <= kMaxSamples) return;
  // Thin out: keep every other sample, and always the newest.
  std::vector<LoadTimelineSample> kept;
  kept.reserve(samples_.size() / 2 + 1);
  for (size_t i = 0; i < samples_.size(); i += 2) kept.push_back(samples_[i]);
  if (kept.back().t_s != samples_.back().t_s) kept.push_back(samples_.back());
  samples_ = std::move(kept);
  period_s_ *= 2;
}

}  // namespace smtp
