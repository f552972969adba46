#include "harness/load/load_stats.h"

#include <algorithm>

namespace smtp {

void LoadStats::RecordFailure(bool error, int step, const std::string& expected,
                              const std::string& actual, const std::string& message) {
  ++(error ? errors_ : failed_);
  Key key{step, {actual, error ? "error" : "failed"}};
  auto it = groups_.find(key);
  if (it == groups_.end()) {
    if (groups_.size() >= kMaxFailureGroups) key = Key{step, {"(other)", key.second.second}};
    it = groups_.try_emplace(key, Group{expected, message, 0}).first;
  }
  ++it->second.count;
}

void LoadStats::Merge(const LoadStats& o) {
  for (size_t i = 0; i < steps_.size() && i < o.steps_.size(); ++i) steps_[i].Merge(o.steps_[i]);
  connect_.Merge(o.connect_);
  session_.Merge(o.session_);
  ok_ += o.ok_;
  failed_ += o.failed_;
  errors_ += o.errors_;
  messages_ += o.messages_;
  connections_ += o.connections_;
  for (const auto& [key, g] : o.groups_) {
    auto [it, fresh] = groups_.try_emplace(key, g);
    if (!fresh) it->second.count += g.count;
  }
}

void LoadStats::ExportTo(LoadRunResult& r, const std::vector<std::string>& labels,
                         const std::vector<int>& lines) const {
  r.ok = ok_;
  r.failed = failed_;
  r.errors = errors_;
  r.messages = messages_;
  r.connections = connections_;
  r.connect = connect_;
  r.session = session_;
  r.steps.clear();
  for (size_t i = 0; i < steps_.size(); ++i) {
    LoadStepStats s;
    s.index = static_cast<int>(i);
    s.line = i < lines.size() ? lines[i] : 0;
    s.label = i < labels.size() ? labels[i] : "";
    s.latency = steps_[i];
    r.steps.push_back(std::move(s));
  }
  r.failures.clear();
  for (const auto& [key, g] : groups_) {
    LoadFailureGroup f;
    f.step = key.first;
    f.line = key.first >= 0 && static_cast<size_t>(key.first) < lines.size() ? lines[key.first] : 0;
    f.actual = key.second.first;
    f.kind = key.second.second;
    f.expected = g.expected;
    f.count = g.count;
    f.example = g.example;
    r.failures.push_back(std::move(f));
  }
  std::stable_sort(r.failures.begin(), r.failures.end(), [](const auto& a, const auto& b) {
    return a.count != b.count ? a.count > b.count : a.step < b.step;
  });
}

}  // namespace smtp
