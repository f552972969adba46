#!/usr/bin/env bash
# Makes docs/images/grade-report.png, the screenshot in the README: the HTML
# report of a failing `grade` (the lab client whose lines end in a bare LF),
# as headless Chromium renders it. Run it after changing the HTML writer.
#
#   docs/make-screenshot.sh [path/to/smtp-harness]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$root/build/smtp-harness}")
. "$root/tests/browser/chromium.sh"
[ -n "$CHROMIUM" ] || { echo "make-screenshot: chromium not found (ci/install-deps)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/smtp-harness-screenshot.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Relative paths from a scratch folder that links to the tree, so the page
# shows the command as a reader would type it. Exit 1 is expected: the
# client fails the strict lab.
ln -s "$root/scenarios" "$work/scenarios"
ln -s "$root/tests" "$work/tests"
cd "$work"
status=0
PATH=/usr/bin:$PATH "$bin" grade scenarios/lab/lab_strict.yaml --port 0 --html grade.html -- \
  python3 tests/fixtures/clients/bare_lf.py >"$work/grade.out" 2>&1 || status=$?
if [ "$status" != 1 ]; then
  echo "make-screenshot: grade exited $status, expected 1:" >&2
  cat "$work/grade.out" >&2
  exit 1
fi
# Headless Chromium now and then captures before every tile is painted (a
# blank patch); of three tries keep the largest PNG, the completely painted one.
best=0
for try in 1 2 3; do
  headless_chromium "$work" --window-size=1100,1650 --virtual-time-budget=2000 \
    --screenshot="$work/shot$try.png" "file://$work/grade.html" >/dev/null
  size=$(stat -c %s "$work/shot$try.png")
  if [ "$size" -gt "$best" ]; then
    best=$size
    cp "$work/shot$try.png" "$root/docs/images/grade-report.png"
  fi
done
echo "wrote docs/images/grade-report.png ($best bytes)"
