// Numbers as the HTML report shows them: durations, rates, sizes. Pure.
#pragma once

#include <cstdint>
#include <string>

namespace smtp::html {

// 0.42 -> "0.42 ms", 12.3 -> "12.3 ms", 1520 -> "1.52 s", 125000 -> "2 min 5 s".
std::string FormatMs(double ms);

// A number with at most `decimals` decimals, trailing zeros dropped: 2.50 -> "2.5".
std::string FormatNumber(double value, int decimals = 2);

// 900 -> "900 B", 2300 -> "2.2 KB", 5e6 -> "4.8 MB".
std::string FormatBytes(uint64_t bytes);

}  // namespace smtp::html
