# Sourced by the browser test and docs/make-screenshot.sh: headless Chromium
# as this machine runs it (Debian's chromium, ci/install-deps). No network:
# the background services are off (they would only try to reach Google), and
# every start gets a fresh, empty profile.
#
#   headless_chromium OUT_DIR ARGS...   (stdout: what Chromium prints, e.g. --dump-dom;
#                                        stderr: kept in OUT_DIR/chromium.log)
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

headless_chromium() {
  local out=$1
  shift
  local profile
  profile=$(mktemp -d "$out/profile.XXXXXX")
  # --enable-logging=stderr: the page's console messages (a blocked script or
  # fetch is one) reach the log as ":CONSOLE" lines, which the test rejects.
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --enable-logging=stderr --v=0 "$@" 2>>"$out/chromium.log"
  local rc=$?
  rm -rf "$profile"
  return $rc
}
