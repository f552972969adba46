#include "harness/load/load_summary.h"

#include <cstdio>

namespace smtp {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Pad(std::string s, size_t width, bool left = true) {
  if (s.size() >= width) return s;
  return left ? s + std::string(width - s.size(), ' ') : std::string(width - s.size(), ' ') + s;
}

std::string Row(const std::string& label, const LatencyHistogram& h) {
  auto ms = [](uint64_t ns) { return Fixed(static_cast<double>(ns) / 1e6, 3); };
  std::string label_cut = label.size() > 34 ? label.substr(0, 31) + "..." : label;
  return "  " + Pad(label_cut, 34) + Pad(std::to_string(h.count()), 9, false) +
         Pad(ms(h.ValueAtPercentile(50)), 10, false) + Pad(ms(h.ValueAtPercentile(90)), 10, false) +
         Pad(ms(h.ValueAtPercentile(99)), 10, false) + Pad(ms(h.max()), 10, false) + "\n";
}

}  // namespace

std::string FormatLoadSummary(const LoadRunResult& r) {
  std::string out = "load " + r.scenario + ": " + std::to_string(r.sessions_done()) +
                    " sessions in " + Fixed(r.seconds(), 2) + "s against " + r.target +
                    " (concurrency " + std::to_string(r.concurrency) + ", " +
                    std::to_string(r.threads) + " thread" + (r.threads == 1 ? "" : "s") +
                    (r.reuse ? ", connections reused" : "") +
                    (r.rate > 0 ? ", rate " + Fixed(r.rate, 1) + "/s" : "") + ")" +
                    (r.interrupted ? " [interrupted]" : "") + "\n";
  out += "  sessions: " + std::to_string(r.ok) + " ok, " + std::to_string(r.failed) + " failed, " +
         std::to_string(r.errors) + " errors; " + std::to_string(r.connections) + " connections\n";
  out += "  throughput: " + Fixed(r.sessions_per_second(), 1) + " sessions/s, " +
         Fixed(r.messages_per_second(), 1) + " messages/s (" + std::to_string(r.messages) +
         " messages)\n";
  out += "  " + Pad("latency (ms)", 34) + Pad("count", 9, false) + Pad("p50", 10, false) +
         Pad("p90", 10, false) + Pad("p99", 10, false) + Pad("max", 10, false) + "\n";
  out += Row("connect", r.connect);
  out += Row(r.reuse ? "transaction" : "session", r.session);
  for (const auto& s : r.steps)
    out += Row("step " + std::to_string(s.index) + " " + s.label, s.latency);
  if (!r.failures.empty()) {
    out += "failures by step and reply:\n";
    for (const auto& f : r.failures) {
      std::string where = f.step < 0 ? "before any step" : "step " + std::to_string(f.step);
      out += "  " + std::to_string(f.count) + " x " + where + " (" + f.kind +
             "): " + (f.expected.empty() ? "" : "expected " + f.expected + ", got ") + f.actual +
             "\n";
      out += "      e.g. " + f.example + "\n";
    }
  }
  return out;
}

std::string FormatLoadProgress(const LoadProgressSnapshot& p) {
  double rate = p.elapsed_s > 0 ? p.done / p.elapsed_s : 0;
  return std::to_string(p.done) + " sessions, " + Fixed(rate, 0) + "/s, " +
         std::to_string(p.failed) + " failed, " + std::to_string(p.errors) + " errors, " +
         Fixed(p.elapsed_s, 1) + "s";
}

}  // namespace smtp
