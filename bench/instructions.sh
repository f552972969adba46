#!/usr/bin/env bash
# Instructions per message, counted by valgrind (cachegrind, no cache
# simulation): `load` sending to smtp-sink, and `serve` receiving from
# smtp-source, one session, a new connection per message and one reused.
# A count, not a time: other processes on this shared machine do not move
# it, so two binaries can be compared where the throughput ratios of
# bench/load.sh and bench/fake_server.sh drown in noise. Each figure is
# (count for N2 messages - count for N1) / (N2 - N1), so start-up and
# shutdown cancel out.
#
#   bench/instructions.sh [path/to/smtp-harness ...]   # one column per binary
#   N1=100 N2=1100 bench/instructions.sh before/smtp-harness after/smtp-harness
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/bench/common.sh"
bins=("$@")
[[ ${#bins[@]} -gt 0 ]] || bins=("$here/build/smtp-harness")
n1=${N1:-100}
n2=${N2:-1100}
source_bin=$(command -v smtp-source || echo /usr/sbin/smtp-source)
sink_bin=$(command -v smtp-sink || echo /usr/sbin/smtp-sink)
valgrind_bin=$(command -v valgrind || echo /usr/bin/valgrind)
require_bins "${bins[@]}" "$source_bin" "$sink_bin" "$valgrind_bin"

make_workdir  # $work, removed at exit with the smtp-sink in $sink_pid

write_load_scenario "$work/load.yaml" 1024

port=$(free_port)
start_sink "$sink_bin" "$port"
sink_pid=$!
wait_port "$port"

# Instructions of one valgrind run of "$@" (the whole process).
count() {
  local out="$work/cg.out"
  "$valgrind_bin" --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" "$@" \
    >/dev/null 2>&1
  awk '/^summary:/ { print $2 }' "$out"
}

load_count() {  # $1 binary, $2 messages, $3 reuse 0|1
  local extra=()
  [[ $3 == 1 ]] && extra=(--reuse)
  count "$1" load "$work/load.yaml" --target "smtp://127.0.0.1:$port" -n "$2" -c 1 "${extra[@]}" \
    --report "$work/report.json"
}

serve_count() {  # $1 binary, $2 messages, $3 reuse 0|1
  local sport out="$work/serve.out" flags=(-s 1 -m "$2" -l 1024 -f a@example.test -t b@example.test)
  [[ $3 == 1 ]] && flags+=(-d)
  sport=$(free_port)
  "$valgrind_bin" --tool=cachegrind --cache-sim=no --cachegrind-out-file="$out" \
    "$1" serve --listen "127.0.0.1:$sport" >/dev/null 2>&1 &
  local vpid=$!
  for _ in $(seq 1 100); do  # valgrind starts slowly: wait_port's 5 s may not do
    wait_port "$sport" 2>/dev/null && break
  done
  "$source_bin" "${flags[@]}" "127.0.0.1:$sport"
  kill -TERM "$vpid"
  wait "$vpid" 2>/dev/null || true
  awk '/^summary:/ { print $2 }' "$out"
}

per_msg() {  # $1 count at n1, $2 count at n2
  awk -v a="$1" -v b="$2" -v n1="$n1" -v n2="$n2" 'BEGIN { printf "%.0f", (b - a) / (n2 - n1) }'
}

printf '%-28s' "instructions per message"
for b in "${bins[@]}"; do printf ' %14s' "$(basename "$(dirname "$b")")"; done
echo
for row in "load, new connection:load:0" "load, reused:load:1" "serve, new connection:serve:0" \
           "serve, reused:serve:1"; do
  IFS=: read -r name what reuse <<<"$row"
  printf '%-28s' "$name"
  for b in "${bins[@]}"; do
    a=$("${what}_count" "$b" "$n1" "$reuse")
    z=$("${what}_count" "$b" "$n2" "$reuse")
    printf ' %14s' "$(per_msg "$a" "$z")"
  done
  echo
done
echo "($n1 and $n2 messages of ~1 KB, one session; valgrind $("$valgrind_bin" --version))"
