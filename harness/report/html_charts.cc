#include "harness/report/html_charts.h"

#include <algorithm>
#include <cmath>

#include "harness/report/html_escape.h"
#include "harness/report/html_format.h"

namespace smtp::html {
namespace {

constexpr int kWidth = 720, kHeight = 260;
constexpr int kLeft = 64, kRight = 16, kTop = 16, kBottom = 44;
constexpr int kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
constexpr char kFont[] = "system-ui, 'DejaVu Sans', Arial, sans-serif";

std::string N(double v) { return FormatNumber(v, 1); }

std::string Open(const std::string& css_class, const std::string& label) {
  return "<svg class=\"chart " + HtmlEscape(css_class) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kWidth) +
         "\" height=\"" + std::to_string(kHeight) + "\" viewBox=\"0 0 " + std::to_string(kWidth) +
         " " + std::to_string(kHeight) + "\" font-family=\"" + kFont +
         "\" font-size=\"11\" fill=\"#374151\" role=\"img\" aria-label=\"" + HtmlEscape(label) +
         "\">";
}

std::string Text(double x, double y, const std::string& text, const char* anchor,
                 const std::string& extra = "") {
  return "<text x=\"" + N(x) + "\" y=\"" + N(y) + "\" text-anchor=\"" + anchor + "\"" + extra +
         ">" + HtmlEscape(text) + "</text>";
}

std::string Line(double x1, double y1, double x2, double y2, const char* stroke,
                 const std::string& extra = "") {
  return "<line x1=\"" + N(x1) + "\" y1=\"" + N(y1) + "\" x2=\"" + N(x2) + "\" y2=\"" + N(y2) +
         "\" stroke=\"" + stroke + "\"" + extra + "/>";
}

std::string Tick(double v) {
  if (v >= 10000) return FormatNumber(v, 0);
  return FormatNumber(v, v < 1 ? 3 : 2);
}

std::string Frame(const std::string& x_label, const std::string& y_label) {
  std::string s;
  s += Line(kLeft, kTop + kPlotH, kLeft + kPlotW, kTop + kPlotH, "#6b7280");
  s += Line(kLeft, kTop, kLeft, kTop + kPlotH, "#6b7280");
  s += Text(kLeft + kPlotW / 2.0, kHeight - 6, x_label, "middle", " class=\"xlabel\"");
  if (!y_label.empty()) {
    s += "<text class=\"ylabel\" x=\"14\" y=\"" + N(kTop + kPlotH / 2.0) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " + N(kTop + kPlotH / 2.0) + ")\">" +
         HtmlEscape(y_label) + "</text>";
  }
  return s;
}

}  // namespace

std::vector<double> NiceTicks(double max, int target_count) {
  if (!(max > 0) || !std::isfinite(max)) return {0, 1};
  double raw = max / std::max(1, target_count);
  double mag = std::pow(10, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (int i = 0; ticks.empty() || ticks.back() < max - 1e-12 * max; ++i) {
    ticks.push_back(i * step);
    if (i > 100) break;
  }
  return ticks;
}

std::string LineChartSvg(const std::string& css_class, const std::string& x_label,
                         const std::string& y_label, const std::vector<ChartSeries>& series) {
  double max_x = 0, max_y = 0;
  for (const auto& s : series) {
    for (const auto& p : s.points) {
      max_x = std::max(max_x, p.x);
      max_y = std::max(max_y, p.y);
    }
  }
  std::vector<double> xt = NiceTicks(max_x, 8), yt = NiceTicks(max_y, 5);
  double sx = kPlotW / xt.back(), sy = kPlotH / yt.back();
  std::string s = Open(css_class, y_label + " over " + x_label);
  for (double v : yt) {
    double y = kTop + kPlotH - v * sy;
    s += Line(kLeft, y, kLeft + kPlotW, y, "#e5e7eb");
    s += Text(kLeft - 6, y + 4, Tick(v), "end");
  }
  for (double v : xt) {
    double x = kLeft + v * sx;
    s += Line(x, kTop + kPlotH, x, kTop + kPlotH + 4, "#6b7280");
    s += Text(x, kTop + kPlotH + 16, Tick(v), "middle");
  }
  s += Frame(x_label, y_label);
  double legend_x = kLeft + 10;
  for (const auto& ser : series) {
    if (ser.points.empty()) continue;
    std::string pts;
    for (const auto& p : ser.points) {
      pts += N(kLeft + p.x * sx) + "," + N(kTop + kPlotH - p.y * sy) + " ";
    }
    s += "<polyline class=\"series\" fill=\"none\" stroke=\"" + ser.color +
         "\" stroke-width=\"1.8\" points=\"" + pts + "\"><title>" + HtmlEscape(ser.name) +
         "</title></polyline>";
    s += "<rect x=\"" + N(legend_x) + "\" y=\"" + N(kTop + 2) +
         "\" width=\"10\" height=\"10\" fill=\"" + ser.color + "\"/>";
    s += Text(legend_x + 14, kTop + 11, ser.name, "start");
    legend_x += 24 + 7.0 * static_cast<double>(ser.name.size());
  }
  s += "</svg>";
  return s;
}

std::vector<HistogramBin> LogRebin(const std::vector<HistogramBin>& buckets, size_t n) {
  std::vector<HistogramBin> out;
  if (buckets.empty() || n == 0) return out;
  double lo = buckets.front().low, hi = buckets.back().high;
  for (const auto& b : buckets) {
    lo = std::min(lo, b.low);
    hi = std::max(hi, b.high);
  }
  lo = std::max(lo, 1e-6);
  if (hi <= lo) hi = lo * 1.1;
  double llo = std::log10(lo), width = (std::log10(hi) - llo) / static_cast<double>(n);
  for (size_t i = 0; i < n; ++i) {
    out.push_back({std::pow(10, llo + width * static_cast<double>(i)),
                   std::pow(10, llo + width * static_cast<double>(i + 1)), 0});
  }
  for (const auto& b : buckets) {
    double mid = std::sqrt(std::max(b.low, 1e-6) * std::max(b.high, 1e-6));
    auto i = static_cast<long>(std::floor((std::log10(mid) - llo) / width));
    i = std::clamp<long>(i, 0, static_cast<long>(n) - 1);
    out[static_cast<size_t>(i)].count += b.count;
  }
  return out;
}

std::string HistogramSvg(const std::string& css_class, const std::string& x_label,
                         const std::vector<HistogramBin>& bins,
                         const std::vector<ChartMarker>& markers) {
  std::string s = Open(css_class, "histogram of " + x_label);
  if (bins.empty()) {
    s += Text(kWidth / 2.0, kHeight / 2.0, "no values recorded", "middle");
    return s + "</svg>";
  }
  double lo = bins.front().low, hi = bins.back().high;
  uint64_t max_count = 0;
  for (const auto& b : bins) max_count = std::max(max_count, b.count);
  // The axis spans whole decades around the values, at least one.
  double dlo = std::floor(std::log10(lo)), dhi = std::ceil(std::log10(hi));
  if (dhi <= dlo) dhi = dlo + 1;
  auto X = [&](double v) {
    return kLeft + (std::log10(std::max(v, 1e-9)) - dlo) / (dhi - dlo) * kPlotW;
  };
  std::vector<double> yt = NiceTicks(static_cast<double>(max_count), 4);
  double sy = kPlotH / yt.back();
  for (double v : yt) {
    double y = kTop + kPlotH - v * sy;
    s += Line(kLeft, y, kLeft + kPlotW, y, "#e5e7eb");
    s += Text(kLeft - 6, y + 4, FormatNumber(v, 0), "end");
  }
  for (double d = dlo; d <= dhi + 1e-9; d += 1) {
    for (double m : {1.0, 2.0, 5.0}) {
      double v = m * std::pow(10, d);
      if (std::log10(v) > dhi + 1e-9) break;
      double x = X(v);
      s += Line(x, kTop + kPlotH, x, kTop + kPlotH + (m == 1 ? 5 : 3), "#6b7280");
      if (m == 1 || dhi - dlo <= 2) s += Text(x, kTop + kPlotH + 16, Tick(v), "middle");
    }
  }
  for (const auto& b : bins) {
    if (b.count == 0) continue;
    double x1 = X(b.low), x2 = X(b.high);
    double h = static_cast<double>(b.count) * sy;
    s += "<rect class=\"bar\" x=\"" + N(x1) + "\" y=\"" + N(kTop + kPlotH - h) + "\" width=\"" +
         N(std::max(1.0, x2 - x1 - 1)) + "\" height=\"" + N(h) + "\" fill=\"#60a5fa\"><title>" +
         HtmlEscape(Tick(b.low) + " to " + Tick(b.high) + ": " + std::to_string(b.count)) +
         "</title></rect>";
  }
  int row = 0;
  for (const auto& m : markers) {
    if (!(m.x > 0)) continue;
    double x = X(m.x);
    s += "<g class=\"marker\">" +
         Line(x, kTop, x, kTop + kPlotH, "#b91c1c", " stroke-dasharray=\"4 3\"") +
         Text(x + 3, kTop + 10 + 12 * (row++ % 3), m.label, "start", " fill=\"#b91c1c\"") + "</g>";
  }
  s += Frame(x_label, "count");
  s += "</svg>";
  return s;
}

}  // namespace smtp::html
