#!/usr/bin/env bash
# Start-up and per-scenario cost of `smtp-harness run`:
#  1. one `run scenarios/basic_send.yaml` (embedded fake server, process
#     start-up included) versus one swaks message to smtp-sink, alternating,
#     REPS times each; medians and the ratio ours/swaks (target <= 0.20).
#  2. a suite of SUITE generated scenarios (copies of basic_send) in one
#     `run -j 2`: scenarios per second.
#
#   bench/run.sh [path/to/smtp-harness]
#   REPS=20 SUITE=1000 bench/run.sh
#
# A benchmark, not a test. The machine is shared and noisy: the load
# average is printed with the figures.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/smtp-harness}
reps=${REPS:-20}
suite=${SUITE:-1000}
swaks_bin=$(command -v swaks || echo /usr/bin/swaks)
sink_bin=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
. "$here/bench/common.sh"
require_bins "$bin" "$swaks_bin" "$sink_bin"

make_workdir  # $work, removed at exit with the smtp-sink in $sink_pid

port=$(free_port)
start_sink "$sink_bin" "$port"
sink_pid=$!
wait_port "$port"

# Timestamps from bash's own clock ($EPOCHREALTIME, seconds): forking `date`
# inside the timed interval would add milliseconds to every measurement and
# flatter the slower contender.
elapsed_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
ours=() theirs=()
for _ in $(seq 1 "$reps"); do
  t0=$EPOCHREALTIME
  "$bin" run "$here/scenarios/basic_send.yaml" --report "$work/r.json" >/dev/null
  t1=$EPOCHREALTIME
  "$swaks_bin" --server "127.0.0.1:$port" --from alice@example.test --to bob@example.test \
    --helo client.example.test --silent 2 >/dev/null
  t2=$EPOCHREALTIME
  ours+=("$(elapsed_ms "$t0" "$t1")")
  theirs+=("$(elapsed_ms "$t1" "$t2")")
done
o=$(echo "${ours[*]}" | median)
t=$(echo "${theirs[*]}" | median)
printf 'one message: run basic_send %s ms, swaks %s ms (median of %s), ratio %s\n' "$o" "$t" "$reps" \
  "$(awk -v a="$o" -v b="$t" 'BEGIN { printf "%.2f", a / b }')"

mkdir -p "$work/suite"
for i in $(seq -w 1 "$suite"); do
  sed "s/^name: basic_send/name: basic_send_$i/" "$here/scenarios/basic_send.yaml" >"$work/suite/s$i.yaml"
done
t0=$EPOCHREALTIME
"$bin" run "$work/suite" -j 2 --report "$work/suite.json" >/dev/null
t1=$EPOCHREALTIME
awk -v n="$suite" -v a="$t0" -v b="$t1" \
  'BEGIN { printf "suite: %d scenarios in %.2f s with -j 2: %.0f scenarios/s\n", n, b - a, n / (b - a) }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
