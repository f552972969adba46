# Sourced by the bench/ scripts: what each of them needs around the figures
# (binaries present, a free loopback port, waiting for a server, Postfix's
# smtp-sink, medians). Bash; no output unless something is wrong.

# Exits 2 naming the first of "$@" that is not an executable file.
require_bins() {
  local b
  for b in "$@"; do
    [[ -x $b ]] || { echo "missing $b (build smtp-harness; apt-get install postfix swaks)" >&2; exit 2; }
  done
}

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_port() {  # until something accepts on 127.0.0.1:$1 (max 5 s)
  for _ in $(seq 1 500); do
    if /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),0.2).close()' "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.01
  done
  echo "server on port $1 did not come up" >&2
  return 1
}

# Starts smtp-sink ($1: its path) on 127.0.0.1:$2 in the background (as
# nobody when run as root: it refuses to run as root); its pid in $!.
start_sink() {
  local user=()
  [[ $(id -u) == 0 ]] && user=(-u nobody)
  "$1" "${user[@]}" "127.0.0.1:$2" 1024 >/dev/null 2>&1 &
}

# The median of numbers on stdin, separated by spaces or newlines.
median() { tr ' ' '\n' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# A temporary folder in $work, removed at exit together with the smtp-sink
# whose pid the script puts in $sink_pid.
make_workdir() {
  work=$(mktemp -d)
  sink_pid=""
  trap 'cleanup_workdir' EXIT
}
cleanup_workdir() {
  [[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null || true
  rm -rf "$work"
}

# Writes to $1 the transaction smtp-source makes, every reply checked:
# EHLO, MAIL, RCPT, DATA, a message of about $2 bytes, QUIT.
write_load_scenario() {
  local body
  body=$(/usr/bin/python3 -c "import sys; n=int(sys.argv[1]); line='x'*78; print('\n'.join([line]*(n//80)))" "$2")
  cat >"$1" <<YAML
name: bench_load
timeout: 10s
steps:
  - expect: 220
  - send: EHLO bench.example.test
    expect: 250
  - send: MAIL FROM:<bench@example.test>
    expect: 250
  - send: RCPT TO:<sink@example.test>
    expect: 250
  - send: DATA
    expect: 354
  - data: |
      From: <bench@example.test>
      To: <sink@example.test>
      Subject: bench

$(sed 's/^/      /' <<<"$body")
    expect: 250
  - send: QUIT
    expect: 221
YAML
}
