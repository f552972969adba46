#!/usr/bin/env bash
# Client-side throughput: our `smtp-harness load` versus Postfix's
# smtp-source, both sending MSGS messages of SIZE bytes to the same
# smtp-sink, with 1 and 20 parallel sessions, a new connection per message
# and connections reused (smtp-source -d, load --reuse). Our side checks
# every reply against the scenario's expectations (full checking); the
# contenders alternate, ROUNDS times per row, and the median is printed with
# the ratio ours/smtp-source (> 1: we are faster).
#
#   bench/load.sh [path/to/smtp-harness]
#   MSGS=5000 SIZE=1024 ROUNDS=3 bench/load.sh
#   AA=1 bench/load.sh     # calibration: smtp-source against itself
#
# Two ratios: of the medians, and the median of each round's own ratio
# (ours and smtp-source ran back to back, so a slow spell of the machine
# hits both). AA=1 puts smtp-source in our place: the ratios it prints
# show how far from 1.00 the machine's noise alone takes them.
#
# With perf installed, the CPU time of each contender (task-clock, the
# client process only) is printed too: microseconds of CPU per message, a
# steadier figure than throughput on a shared machine.
#
# A benchmark, not a test: nothing fails on a low ratio. The machine is
# shared and noisy: the load average is printed with the figures.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/smtp-harness}
msgs=${MSGS:-5000}
size=${SIZE:-1024}
rounds=${ROUNDS:-3}
source_bin=$(command -v smtp-source || echo /usr/sbin/smtp-source)
sink_bin=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

. "$here/bench/common.sh"
require_bins "$bin" "$source_bin" "$sink_bin"

make_workdir  # $work, removed at exit with the smtp-sink in $sink_pid

write_load_scenario "$work/load.yaml" "$size"

port=$(free_port)
start_sink "$sink_bin" "$port"
sink_pid=$!
wait_port "$port"

now() { date +%s.%N; }
perf_bin=$(command -v perf || true)
cpu_file="$work/cpu"
# Runs "$@", recording its CPU milliseconds in $cpu_file (empty without perf).
timed() {
  if [[ -n $perf_bin ]]; then
    "$perf_bin" stat -x, -e task-clock -o "$cpu_file" "$@"
  else
    : >"$cpu_file"
    "$@"
  fi
}
cpu_ms() { awk -F, '/task-clock/ { print $1 }' "$cpu_file"; }
rate() { awk -v n="$msgs" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n / (b - a) }'; }

run_ours() {  # $1 sessions, $2 reuse 0|1
  if [[ ${AA:-0} == 1 ]]; then run_source "$@"; return; fi
  local extra=()
  [[ $2 == 1 ]] && extra=(--reuse)
  local t0 t1
  t0=$(now)
  timed "$bin" load "$work/load.yaml" --target "smtp://127.0.0.1:$port" -n "$msgs" -c "$1" "${extra[@]}" \
    --report "$work/report.json" >"$work/ours.out" 2>&1 || { cat "$work/ours.out" >&2; echo "load failed" >&2; exit 1; }
  t1=$(now)
  echo "$(rate "$t0" "$t1") $(cpu_ms)"
}

run_source() {  # $1 sessions, $2 reuse 0|1
  local flags=(-s "$1" -m "$msgs" -l "$size" -f bench@example.test -t sink@example.test -M bench.example.test)
  [[ $2 == 1 ]] && flags+=(-d)
  local t0 t1
  t0=$(now)
  timed "$source_bin" "${flags[@]}" "127.0.0.1:$port" || { echo "smtp-source failed" >&2; exit 1; }
  t1=$(now)
  echo "$(rate "$t0" "$t1") $(cpu_ms)"
}


printf '%s messages of ~%s bytes to smtp-sink, %s round(s), alternating; load average: %s\n' \
  "$msgs" "$size" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
[[ ${AA:-0} == 1 ]] && echo "AA=1: smtp-source in place of load (calibration)"
printf '%-26s %11s %12s %6s %6s %14s %14s\n' "row" "load msg/s" "source msg/s" "ratio" "paired" "load cpu us/m" \
  "source cpu us/m"
per_msg() { awk -v ms="$1" -v n="$msgs" 'BEGIN { if (ms == "") print "-"; else printf "%.1f", ms * 1000 / n }'; }
for sessions in 1 20; do
  for reuse in 0 1; do
    ours=() theirs=() ours_cpu=() theirs_cpu=() paired=()
    for _ in $(seq 1 "$rounds"); do
      read -r r c <<<"$(run_ours "$sessions" "$reuse")"
      ours+=("$r")
      ours_cpu+=("${c:-}")
      read -r r2 c <<<"$(run_source "$sessions" "$reuse")"
      theirs+=("$r2")
      theirs_cpu+=("${c:-}")
      paired+=("$(awk -v a="$r" -v b="$r2" 'BEGIN { printf "%.4f", a / b }')")
    done
    o=$(echo "${ours[*]}" | median)
    t=$(echo "${theirs[*]}" | median)
    oc=$(echo "${ours_cpu[*]}" | median)
    tc=$(echo "${theirs_cpu[*]}" | median)
    label="$sessions session(s), $([[ $reuse == 1 ]] && echo reused || echo new conn)"
    p=$(echo "${paired[*]}" | median)
    printf '%-26s %11s %12s %6s %6.2f %14s %14s\n' "$label" "$o" "$t" \
      "$(awk -v a="$o" -v b="$t" 'BEGIN { printf "%.2f", a / b }')" "$p" "$(per_msg "$oc")" "$(per_msg "$tc")"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
