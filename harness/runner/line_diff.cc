#include "harness/runner/line_diff.h"

#include <algorithm>

namespace smtp {

std::string UnifiedDiff(const std::vector<std::string>& a, const std::vector<std::string>& b,
                        const std::string& a_name, const std::string& b_name, int context) {
  size_t n = a.size(), m = b.size();
  // lcs[i][j]: length of the LCS of a[i..] and b[j..].
  std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  struct Op {
    char kind;  // ' ', '-', '+'
    size_t ai, bi;
  };
  std::vector<Op> ops;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back({'-', i++, j});  // deletions first, as diff -u shows them
    } else {
      ops.push_back({'+', i, j++});
    }
  }
  bool any = std::any_of(ops.begin(), ops.end(), [](const Op& o) { return o.kind != ' '; });
  if (!any) return "";
  std::string out = "--- " + a_name + "\n+++ " + b_name + "\n";
  size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k].kind == ' ') ++k;
    if (k == ops.size()) break;
    size_t begin = k >= static_cast<size_t>(context) ? k - context : 0;
    // Extend the hunk while changes are closer than 2*context apart.
    size_t end = k;
    while (end < ops.size()) {
      if (ops[end].kind != ' ') {
        ++end;
        continue;
      }
      size_t run = end;
      while (run < ops.size() && ops[run].kind == ' ') ++run;
      if (run == ops.size() || run - end > static_cast<size_t>(2 * context)) {
        end = std::min(run, end + context);
        break;
      }
      end = run;
    }
    size_t a_start = ops[begin].ai, b_start = ops[begin].bi;
    size_t a_len = 0, b_len = 0;
    std::string body;
    for (size_t x = begin; x < end; ++x) {
      const Op& o = ops[x];
      if (o.kind != '+') ++a_len;
      if (o.kind != '-') ++b_len;
      body += o.kind;
      body += o.kind == '+' ? b[o.bi] : a[o.ai];
      body += '\n';
    }
    out += "@@ -" + std::to_string(a_len ? a_start + 1 : a_start) + "," + std::to_string(a_len) +
           " +" + std::to_string(b_len ? b_start + 1 : b_start) + "," + std::to_string(b_len) +
           " @@\n" + body;
    k = end;
  }
  return out;
}

}  // namespace smtp
