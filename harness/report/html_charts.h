// SVG charts for the HTML report of `load`: a line chart (throughput over
// time) and a histogram on a logarithmic axis (latencies span decades), with
// marker lines (percentiles). Data in, SVG text out; labels are escaped.
// Like the sequence diagram, presentation attributes only and no ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smtp::html {

struct ChartPoint {
  double x = 0, y = 0;
};

struct ChartSeries {
  std::string name;
  std::string color;  // "#1d4ed8"
  std::vector<ChartPoint> points;
};

// x and y both from 0 to their maxima, with round-number ticks.
std::string LineChartSvg(const std::string& css_class, const std::string& x_label,
                         const std::string& y_label, const std::vector<ChartSeries>& series);

struct HistogramBin {
  double low = 0, high = 0;  // low < high, both > 0
  uint64_t count = 0;
};

struct ChartMarker {
  std::string label;  // "p99"
  double x = 0;
};

std::string HistogramSvg(const std::string& css_class, const std::string& x_label,
                         const std::vector<HistogramBin>& bins,
                         const std::vector<ChartMarker>& markers);

// Fine buckets (in value order) regrouped into at most `n` bins of equal
// width on a log scale between the lowest and the highest value.
std::vector<HistogramBin> LogRebin(const std::vector<HistogramBin>& buckets, size_t n);

// Round tick values from 0 to at least `max`: 0, 5, 10, 15 / 0, 0.2, 0.4 ...
std::vector<double> NiceTicks(double max, int target_count);

}  // namespace smtp::html
