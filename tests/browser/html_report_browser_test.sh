#!/usr/bin/env bash
# The HTML reports in a real browser (CTest: html_report_browser).
#
#   tests/browser/html_report_browser_test.sh SMTP_HARNESS_BINARY
#
# Makes a run report (TLS, AUTH, a failing step, a bare LF, a folded body,
# a skipped scenario, the conformance matrix), a failing grade report, a load
# report and a report full of hostile bytes with the real binary; renders
# each in headless Chromium (--dump-dom and --screenshot); checks the DOM
# (check_dom.py) and that the browser logged no console message (the pages
# have no script, so any would be a blocked fetch or script: an error).
# `report` must render the saved JSON byte for byte like `--html`.
# SMTP_HARNESS_BROWSER_OUT=DIR keeps everything in DIR.
# Exit 77 (skipped) without Chromium, unless SMTP_HARNESS_REQUIRE_REAL_SERVERS=1 (CI).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
bin=$(realpath "${1:?usage: $0 SMTP_HARNESS_BINARY}")
python=/usr/bin/python3
. "$here/chromium.sh"

if [ -z "$CHROMIUM" ]; then
  if [ "${SMTP_HARNESS_REQUIRE_REAL_SERVERS:-0}" = 1 ]; then
    echo "FAIL: chromium not found (ci/install-deps installs it)" >&2
    exit 1
  fi
  echo "SKIP: chromium not found" >&2
  exit 77
fi

# SMTP_HARNESS_BROWSER_OUT=DIR keeps the reports, DOMs and screenshots there.
if [ -n "${SMTP_HARNESS_BROWSER_OUT:-}" ]; then
  work=$SMTP_HARNESS_BROWSER_OUT
  rm -rf "$work" && mkdir -p "$work"
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-harness-browser.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# --- scenarios of our own, next to two from the conformance suite --------
mkdir -p "$work/s"
cat >"$work/s/a_rcpt_rejected.yaml" <<'YAML'
description: The server rejects the recipient; the scenario wants 250
rfc: ["5321 4.1.1.3"]
server:
  rules:
    - {when: "RCPT TO:<nobody@*", reply: "550 5.1.1 <nobody@example.test>: no such user"}
steps:
  - expect: 220
  - send: EHLO client.example.test
    expect: 250
  - send: MAIL FROM:<alice@example.test>
    expect: 250
  - send: RCPT TO:<nobody@example.test>
    expect: 250
YAML
{
  echo 'description: A long message body, folded in the diagram'
  echo 'rfc: ["5321 4.1.1.4"]'
  echo 'steps:'
  echo '  - expect: 220'
  echo '  - send: EHLO client.example.test'
  echo '    expect: 250'
  echo '  - send: MAIL FROM:<alice@example.test>'
  echo '    expect: 250'
  echo '  - send: RCPT TO:<bob@example.test>'
  echo '    expect: 250'
  echo '  - send: DATA'
  echo '    expect: 354'
  echo '  - data: |'
  echo '      Subject: a long one'
  echo ''
  for i in $(seq 1 40); do echo "      line $i of the body"; done
  echo '    expect: 250'
  echo '  - send: QUIT'
  echo '    expect: 221'
} >"$work/s/b_long_body.yaml"
cat >"$work/s/c_needs_xfoo.yaml" <<'YAML'
description: Skipped - the fake server does not advertise XFOO
rfc: ["9999 1"]
requires: [XFOO]
steps:
  - expect: 220
  - send: EHLO client.example.test
    expect: 250
YAML
cp "$src/scenarios/rfc5321/data_bare_lf_not_end_of_data.yaml" "$work/s/d_bare_lf.yaml"
cp "$src/scenarios/rfc4954-auth/auth_plain_after_starttls.yaml" "$work/s/e_auth_tls.yaml"

# Hostile: markup, quotes, </svg> and bytes that are not UTF-8 in the
# server's replies, the scenario's name and description.
printf '%s\n' \
  'name: "hostile <b id=pwn2>name</b>"' \
  'description: "</svg></details><script>alert(3)</script>"' \
  'server:' \
  '  greeting: "220 <script>alert(1)</script> \"quoted\" </svg> \xff\xfe"' \
  '  rules:' \
  '    - {when: "RCPT*", reply: "550 <script>alert(2)</script></svg><b id=\"pwn\">x</b>"}' \
  'steps:' \
  '  - expect: 220' \
  '  - send: "EHLO <img src=x onerror=alert(4)>"' \
  '    expect: 250' \
  '  - send: MAIL FROM:<a@b>' \
  '    expect: 250' \
  '  - send: RCPT TO:<c@d>' \
  '    expect: 250' >"$work/hostile.yaml"

# --- the reports -----------------------------------------------------------
(cd "$work" && "$bin" run s --report run.json --html run.html --no-color >run.out 2>&1)
[ $? = 1 ] || fail "run: expected exit 1 (one scenario fails); $(tail -5 "$work/run.out")"
"$bin" report "$work/run.json" --html "$work/from-json.html" || fail "report: exit $?"
cmp -s "$work/run.html" "$work/from-json.html" || fail "report renders run.json unlike --html"

(cd "$work" && "$bin" run hostile.yaml --report hostile.json --html hostile.html >hostile.out 2>&1)
[ $? = 1 ] || fail "hostile run: expected exit 1; $(tail -5 "$work/hostile.out")"

(cd "$work" && "$bin" grade "$src/scenarios/lab/lab_strict.yaml" --port 0 --report grade.json \
  --html grade.html --gradescope results.json --gradescope-format html -- \
  "$python" "$src/tests/fixtures/clients/bare_lf.py" >grade.out 2>&1)
[ $? = 1 ] || fail "grade: expected exit 1 (bare LF client); $(tail -5 "$work/grade.out")"
"$python" - "$work/results.json" <<'PY' || fail "results.json: tests are not html"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["tests"] and all(t["output_format"] == "html" for t in r["tests"]), r
assert "<svg" in r["output"], "no sequence diagram for the student"
PY

(cd "$work" && "$bin" load "$src/scenarios/basic_send.yaml" --duration 1s --rate 300 -c 2 --report load.json \
  --html load.html >load.out 2>&1) || fail "load: exit $?; $(tail -5 "$work/load.out")"

# --- in the browser ----------------------------------------------------------
for kind in run grade load hostile; do
  page="$work/$kind.html"
  [ -s "$page" ] || { fail "$kind: no HTML written"; continue; }
  : >"$work/chromium.log"
  headless_chromium "$work" --dump-dom "file://$page" >"$work/$kind.dom" ||
    fail "$kind: chromium --dump-dom exit $?"
  headless_chromium "$work" --window-size=1280,2000 --screenshot="$work/$kind.png" "file://$page" \
    >/dev/null || fail "$kind: chromium --screenshot exit $?"
  [ "$(stat -c %s "$work/$kind.png" 2>/dev/null || echo 0)" -gt 10000 ] ||
    fail "$kind: no screenshot (or a blank one)"
  "$python" "$here/check_dom.py" "$kind" "$work/$kind.dom" || fail "$kind: DOM check"
  if grep -E ':CONSOLE|Uncaught|Refused to' "$work/chromium.log" >"$work/console.txt"; then
    fail "$kind: the browser logged: $(head -3 "$work/console.txt")"
  fi
done

if [ $failures -gt 0 ]; then
  echo "html_report_browser: $failures failure(s); reports kept in $work" >&2
  trap - EXIT
  exit 1
fi
echo "html_report_browser: run, grade, load and hostile reports render in $("$CHROMIUM" --version 2>/dev/null | head -1)"
