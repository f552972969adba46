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
