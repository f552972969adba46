#!/usr/bin/env bash
# Throughput of `smtp-harness serve` against Postfix's smtp-sink, driven by
# the same smtp-source load: MSGS messages of SIZE bytes, with 1 and with 20
# parallel sessions, each server measured in turn (alternating, ROUNDS times)
# on a free loopback port. Prints messages/second and our/smtp-sink ratio.
#
#   bench/fake_server.sh [path/to/smtp-harness]
#   MSGS=10000 SIZE=1024 ROUNDS=1 REUSE=1 bench/fake_server.sh
#
# REUSE=1 (default) sends every message of a session over one connection
# (smtp-source -d); REUSE=0 connects once per message (smtp-source default).
# Server CPU per message (user + system of the server process alone, from
# /proc, 10 ms resolution) is printed next to the throughput: the issue's
# second target is ours <= smtp-sink's.
# AA=1 runs smtp-sink in our place (calibration): its ratios show how far
# from 1.00 the machine's noise alone takes them. After the rounds of each
# row, the medians (with ROUNDS >= 3 the figure to quote).
# A benchmark, not a test: nothing here fails on a low ratio.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/smtp-harness}
msgs=${MSGS:-10000}
size=${SIZE:-1024}
rounds=${ROUNDS:-1}
reuse=${REUSE:-1}
source_bin=$(command -v smtp-source || echo /usr/sbin/smtp-source)
sink_bin=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)

. "$here/bench/common.sh"
require_bins "$bin" "$source_bin" "$sink_bin"

pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; }
trap cleanup EXIT

start_server() {  # $1 = ours|sink, $2 = port
  if [[ $1 == ours && ${AA:-0} != 1 ]]; then
    "$bin" serve --listen "127.0.0.1:$2" --max-sessions 100000 >/dev/null 2>&1 &
  else
    start_sink "$sink_bin" "$2"
  fi
  pid=$!
  wait_port "$2"
}

# CPU seconds (user + system) the server process has used so far, from
# /proc/PID/stat (fields 14 and 15, in clock ticks).
cpu_s() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat"
}

run_load() {  # $1 = port, $2 = sessions; prints messages/second
  local flags=(-s "$2" -m "$msgs" -l "$size" -f bench@example.test -t sink@example.test -M bench.example.test)
  [[ $reuse == 1 ]] && flags+=(-d)
  # $EPOCHREALTIME, not a forked `date`, so no fork lands inside the interval.
  local t0 t1
  t0=$EPOCHREALTIME
  "$source_bin" "${flags[@]}" "127.0.0.1:$1" || { echo "smtp-source failed" >&2; exit 1; }
  t1=$EPOCHREALTIME
  awk -v n="$msgs" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }'
}

measure() {  # $1 = ours|sink, $2 = sessions; prints "msg/s server-CPU-us-per-message"
  local port rate c0 c1
  port=$(free_port)
  start_server "$1" "$port"
  c0=$(cpu_s "$pid")
  rate=$(run_load "$port" "$2")
  c1=$(cpu_s "$pid")
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  echo "$rate $(awk -v a="$c0" -v b="$c1" -v n="$msgs" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')"
}

printf '%s messages of %s bytes, %s, %s round(s)\n' "$msgs" "$size" \
  "$([[ $reuse == 1 ]] && echo 'one connection per session (-d)' || echo 'one connection per message')" "$rounds"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
[[ ${AA:-0} == 1 ]] && echo "AA=1: smtp-sink in place of serve (calibration)"
printf '%-10s %-8s %12s %12s %7s %14s %14s\n' sessions round "ours msg/s" "sink msg/s" ratio \
  "ours cpu us/m" "sink cpu us/m"
for sessions in 1 20; do
  ratios=() ours_cpus=() sink_cpus=()
  for round in $(seq 1 "$rounds"); do
    # Alternate which server goes first so neither always gets a warm cache.
    if (( round % 2 )); then
      ours=$(measure ours "$sessions"); sink=$(measure sink "$sessions")
    else
      sink=$(measure sink "$sessions"); ours=$(measure ours "$sessions")
    fi
    [[ -n $ours && -n $sink ]] || { echo "a run failed" >&2; exit 1; }
    read -r ours_rate ours_cpu <<<"$ours"
    read -r sink_rate sink_cpu <<<"$sink"
    ratio=$(awk -v a="$ours_rate" -v b="$sink_rate" 'BEGIN { printf "%.2f", a / b }')
    printf '%-10s %-8s %12s %12s %7s %14s %14s\n' "$sessions" "$round" "$ours_rate" "$sink_rate" \
      "$ratio" "$ours_cpu" "$sink_cpu"
    ratios+=("$ratio") ours_cpus+=("$ours_cpu") sink_cpus+=("$sink_cpu")
  done
  if (( rounds > 1 )); then
    printf '%-10s %-8s %12s %12s %7s %14s %14s\n' "$sessions" median "" "" "$(echo "${ratios[*]}" | median)" \
      "$(echo "${ours_cpus[*]}" | median)" "$(echo "${sink_cpus[*]}" | median)"
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Idle connections: IDLE (default 10000) sessions held open at once, all
# greeted, while one more still gets a message through; prints our RSS.
idle=${IDLE:-10000}
if (( idle > 0 )); then
  port=$(free_port)
  # All from 127.0.0.1: lift the per-client cap too (binaries that have it;
  # its default, half of --max-sessions, would answer the rest with 421).
  per_client=()
  if "$bin" serve --help 2>&1 | grep -q -- --max-sessions-per-client; then
    per_client=(--max-sessions-per-client $((idle + 100)))
  fi
  "$bin" serve --listen "127.0.0.1:$port" --max-sessions $((idle + 100)) "${per_client[@]}" \
    >/dev/null 2>&1 &
  pid=$!
  wait_port "$port"
  /usr/bin/python3 - "$port" "$idle" "$pid" <<'PY'
import resource, smtplib, socket, sys, time
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
t0 = time.monotonic()
socks = [socket.create_connection(('127.0.0.1', port), timeout=30) for _ in range(n)]
greeted = sum(1 for s in socks if s.recv(200).startswith(b'220 '))
c = smtplib.SMTP('127.0.0.1', port, local_hostname='127.0.0.1', timeout=30)
c.sendmail('a@example.test', ['b@example.test'], b'while busy\r\n')
c.quit()
rss = [l for l in open('/proc/%s/status' % pid) if l.startswith('VmRSS')][0].split()[1]
print('idle connections: %d/%d greeted in %.2fs, a message still accepted; server RSS %s kB (%.1f kB/connection)'
      % (greeted, n, time.monotonic() - t0, rss, int(rss) / n))
PY
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
fi
