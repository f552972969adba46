#!/usr/bin/env bash
# The HTML report of a big run: size and time to render in headless
# Chromium. Makes N scenarios (default 1000; FAILING of them fail, default
# 10), runs them against the fake server with --html, then loads the page
# in Chromium ROUNDS times (default 3) with --dump-dom (parse, style, no
# paint) and --screenshot (layout and paint of the first 1280x2000), and
# an empty page as the baseline of Chromium's own start-up.
#
#   bench/html_report.sh [path/to/smtp-harness]
#   N=1000 FAILING=10 ROUNDS=3 bench/html_report.sh
#
# Prints the JSON and HTML sizes, the median wall times of whole Chromium
# runs, and the page's own load-and-layout time measured inside Chromium. docs/reports.md
# records a run. A benchmark, not a test: the machine is shared and noisy
# (the load average is printed with the figures).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/smtp-harness}")
n=${N:-1000}
failing=${FAILING:-10}
rounds=${ROUNDS:-3}
. "$here/tests/browser/chromium.sh"
. "$here/bench/common.sh"
[ -n "$CHROMIUM" ] || { echo "bench/html_report.sh: chromium not found" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-harness-html-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/s"
for i in $(seq -w 1 "$n"); do
  if [ "$((10#$i))" -le "$failing" ]; then rcpt=nobody; else rcpt=bob; fi
  cat >"$work/s/scenario_$i.yaml" <<YAML
description: One message; RCPT TO:<nobody@...> is rejected
rfc: ["5321 4.1.1.$((10#$i % 5 + 1))"]
server:
  rules:
    - {when: "RCPT TO:<nobody@*", reply: "550 5.1.1 no such user"}
steps:
  - expect: 220
  - send: EHLO client.example.test
    expect: 250
  - send: MAIL FROM:<alice@example.test>
    expect: 250
  - send: RCPT TO:<$rcpt@example.test>
    expect: 250
  - send: DATA
    expect: 354
  - data: |
      Subject: scenario $i

      A short message.
    expect: 250
  - send: QUIT
    expect: 221
YAML
done

start=$(date +%s.%N)
(cd "$work" && "$bin" run s -j 2 --report run.json --html run.html >/dev/null 2>&1) || true
end=$(date +%s.%N)
printf '<!DOCTYPE html><title>empty</title><p>empty</p>\n' >"$work/empty.html"

time_it() {  # prints seconds
  local s e
  s=$(date +%s.%N)
  headless_chromium "$work" "$@" >/dev/null
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }'
}

for page in empty run; do
  for mode in dump screenshot; do
    for _ in $(seq "$rounds"); do
      if [ $mode = dump ]; then
        time_it --dump-dom "file://$work/$page.html"
      else
        time_it --window-size=1280,2000 --screenshot="$work/$page.png" "file://$work/$page.html"
      fi
    done | median >"$work/$page.$mode"
  done
done

# The page's own time, without Chromium's start-up: a copy for measuring
# only, without the CSP and with a script that, at the load event, forces
# style and layout and records performance.now() (ms since navigation).
sed -e 's|<meta http-equiv="Content-Security-Policy"[^>]*>||' \
  -e 's|</body>|<script>addEventListener("load", function () { var h = document.body.offsetHeight; document.body.setAttribute("data-ms", performance.now().toFixed(0)); })</script></body>|' \
  "$work/run.html" >"$work/timed.html"
for _ in $(seq "$rounds"); do
  headless_chromium "$work" --dump-dom "file://$work/timed.html" | grep -o 'data-ms="[0-9]*"' | tr -dc '0-9'
  echo
done | median >"$work/inpage"

echo "scenarios:        $n ($failing failing)"
echo "run with --html:  $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s"
echo "JSON report:      $(stat -c %s "$work/run.json") bytes"
echo "HTML report:      $(stat -c %s "$work/run.html") bytes"
echo "diagrams drawn:   $(grep -o '<svg class="seq"' "$work/run.html" | wc -l)"
echo "chromium --dump-dom:   $(cat "$work/run.dump") s (empty page: $(cat "$work/empty.dump") s)"
echo "chromium --screenshot: $(cat "$work/run.screenshot") s (empty page: $(cat "$work/empty.screenshot") s)"
echo "in the page (load event, style and layout done): $(cat "$work/inpage") ms"
echo "median of $rounds rounds; $("$CHROMIUM" --version 2>/dev/null | head -1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
