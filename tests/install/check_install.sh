#!/usr/bin/env bash
# Installs a finished build into a scratch prefix and uses it from outside,
# as a user would: the installed binary runs an installed example scenario;
# --version on every command; man pages show every option --help shows;
# bash/zsh completions complete, values of options included; a separate
# CMake project finds the package and tests a mail-sending function with the
# embedded fake server; a configure without GoogleTest works with
# -DBUILD_TESTING=OFF; and the .deb from CPack unpacks and runs, its man
# pages gzipped (-9n), one per command.
# Usage: check_install.sh BUILD_DIR SOURCE_DIR [SANITIZE]   (CTest: install_package_embed)
#   SANITIZE=1: the build is ASan+UBSan (ci/test --sanitize), so the example
#   links with the same runtime.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
embed_flags=()
if [ "${3:-0}" = 1 ]; then
  embed_flags=(-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "check_install: FAIL: $*" >&2; exit 1; }
step() { echo "check_install: $*"; }
export LC_ALL=C  # groff writes ASCII '-' for options, not U+2010

step "cmake --install into $tmp/prefix"
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
p=$tmp/prefix
for f in bin/smtp-harness include/smtp_harness/fake_smtp_server.h \
  lib/cmake/SmtpHarness/SmtpHarnessConfig.cmake lib/cmake/SmtpHarness/SmtpHarnessConfigVersion.cmake \
  lib/cmake/SmtpHarness/SmtpHarnessTargets.cmake share/man/man1/smtp-harness.1.gz \
  share/bash-completion/completions/smtp-harness share/zsh/site-functions/_smtp-harness \
  share/smtp-harness/scenarios/basic_send.yaml share/doc/smtp-harness/README.md; do
  [ -e "$p/$f" ] || fail "not installed: $f"
done
commands=$("$p/bin/smtp-harness" --help | awk '/^Subcommands:/{on=1; next} on && /^  [a-z]/{print $1}')
[ -n "$commands" ] || fail "no commands listed by --help"

step "installed binary runs an installed scenario"
(cd "$tmp" && "$p/bin/smtp-harness" run "$p/share/smtp-harness/scenarios/basic_send.yaml" \
  --report "$tmp/r.json" >/dev/null) || fail "run of the installed basic_send.yaml"

step "--version, man page and examples for every command"
version=$("$p/bin/smtp-harness" --version)
for c in $commands; do
  [ "$("$p/bin/smtp-harness" "$c" --version)" = "$version" ] || fail "$c --version"
  help=$("$p/bin/smtp-harness" "$c" --help)
  grep -q "Example" <<<"$help" || fail "$c --help has no example"
  page=$p/share/man/man1/smtp-harness-$c.1.gz
  [ -e "$page" ] || fail "no man page for $c"
  text=$(MANWIDTH=250 man -l "$page" 2>/dev/null | col -b)
  for opt in $(grep -oE -- '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' <<<"$help" | tr -d ' ,' | sort -u); do
    grep -qF -- "$opt" <<<"$text" || fail "man page of $c lacks $opt (shown by --help)"
  done
done

step "bash and zsh completions"
complete_bash() {  # words... -> the completions of the last word
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _smtp_harness;
           printf "%s\n" "${COMPREPLY[@]}"' _ "$p/share/bash-completion/completions/smtp-harness" "$@"
}
mkdir "$tmp/files" && touch "$tmp/files/report-here.json"
cd "$tmp/files"
[ "$(complete_bash smtp-harness ru)" = run ] || fail "bash: 'ru' does not complete to run"
[ "$(complete_bash smtp-harness rep)" = report ] || fail "bash: 'rep' does not complete to report"
complete_bash smtp-harness run --rep | grep -qx -- --report || fail "bash: run --rep"
complete_bash smtp-harness run --report rep | grep -qx report-here.json ||
  fail "bash: --report does not complete file names"
complete_bash smtp-harness run -v rep | grep -qx report-here.json ||
  fail "bash: a file after the flag -v"
[ -z "$(complete_bash smtp-harness run --timeout rep)" ] || fail "bash: --timeout takes no file"
[ "$(complete_bash smtp-harness run --gradescope-format h)" = html ] ||
  fail "bash: --gradescope-format does not offer its values"
# Every option with a fixed set of values offers them (--opt VALUE, --opt=VALUE).
for want in "serve --bare-newlines|reject disconnect normalize lax" \
  "record --mode|client server" "record --generalise|exact volatile code" \
  "grade --client-isolation|auto namespace subreaper" "send --auth-mechanism|PLAIN LOGIN" \
  "send --starttls|always auto never"; do
  read -ra words <<<"${want%|*}"
  got=$(complete_bash smtp-harness "${words[@]}" "" | tr '\n' ' ')
  [ "$got" = "${want#*|} " ] || fail "bash: ${want%|*} offers '$got', not ${want#*|}"
  got=$(complete_bash smtp-harness "${words[@]}" = "" | tr '\n' ' ')
  [ "$got" = "${want#*|} " ] || fail "bash: ${want%|*}= offers '$got', not ${want#*|}"
done
[ "$(complete_bash smtp-harness send --starttls = au)" = auto ] || fail "bash: --starttls=au"
command -v zsh >/dev/null || fail "zsh is not installed (ci/install-deps installs it)"
zsh_got=$(zsh "$src/tests/install/zsh_complete.zsh" "$p/share/zsh/site-functions" \
  "smtp-harness rep" "smtp-harness run --rep" "smtp-harness run --report rep" \
  "smtp-harness run -v rep" "smtp-harness run --gradescope-format h" \
  "smtp-harness serve --bare-newlines n" "smtp-harness record --mode s" \
  "smtp-harness record --generalise c" "smtp-harness grade x.yaml --client-isolation sub" \
  "smtp-harness send --auth-mechanism L" "smtp-harness send --starttls=au" \
  "smtp-harness send --starttls n")
zsh_want="smtp-harness report 
smtp-harness run --report 
smtp-harness run --report report-here.json 
smtp-harness run -v report-here.json 
smtp-harness run --gradescope-format html 
smtp-harness serve --bare-newlines normalize 
smtp-harness record --mode server 
smtp-harness record --generalise code 
smtp-harness grade x.yaml --client-isolation subreaper 
smtp-harness send --auth-mechanism LOGIN 
smtp-harness send --starttls=auto 
smtp-harness send --starttls never "
[ "$zsh_got" = "$zsh_want" ] || fail "zsh completion: got
$zsh_got
expected
$zsh_want"
"$p/bin/smtp-harness" completion zsh >"$tmp/sourced.zsh"
zsh_got=$(zsh "$src/tests/install/zsh_complete.zsh" "$tmp/sourced.zsh" "smtp-harness rep" \
  "smtp-harness run -v rep")
[ "$zsh_got" = "$(head -1 <<<"$zsh_want")
smtp-harness run -v report-here.json " ] || fail "zsh: a sourced completion script: $zsh_got"
cd "$tmp"

step "a separate project: find_package(SmtpHarness) and the embedded fake server"
# The installed copy of examples/embed_gtest, so it is shipped and complete.
cmake -S "$p/share/doc/smtp-harness/examples/embed_gtest" -B "$tmp/embed" -DCMAKE_PREFIX_PATH="$p" "${embed_flags[@]}" \
  >/dev/null ||
  fail "configure examples/embed_gtest"
cmake --build "$tmp/embed" -j "$(nproc)" >/dev/null || fail "build examples/embed_gtest"
"$tmp/embed/welcome_mail_test" || fail "examples/embed_gtest tests"

step "-DBUILD_TESTING=OFF configures without GoogleTest"
cmake -S "$src" -B "$tmp/nogtest" -DBUILD_TESTING=OFF >/dev/null ||
  fail "configure with BUILD_TESTING=OFF"
! grep -qi '^GTest' "$tmp/nogtest/CMakeCache.txt" || fail "BUILD_TESTING=OFF still looks for GoogleTest"

step "the .deb (CPack) unpacks and runs"
(cd "$build" && cpack -G DEB -B "$tmp/deb" >/dev/null) || fail "cpack"
deb=$(ls "$tmp"/deb/smtp-harness_*.deb)
dpkg-deb -f "$deb" Package Version Depends | sed 's/^/  /'
dpkg -x "$deb" "$tmp/root"
# Debian policy: man pages gzipped with -9n (no name or time stamp: the same
# bytes every build), one per command and the overview, nothing else.
pages=$(dpkg -c "$deb" | awk '{print $NF}' | grep '^\./usr/share/man/.*[^/]$' | sort)
want_pages=$(for c in "" $commands; do echo "./usr/share/man/man1/smtp-harness${c:+-$c}.1.gz"; done |
  sort)
[ "$pages" = "$want_pages" ] || fail ".deb man pages: got
$pages
expected
$want_pages"
for page in $pages; do
  f=$tmp/root/${page#./}
  [ "$(od -An -tx1 -N8 "$f" | tr -d ' ')" = 1f8b080000000000 ] ||
    fail "$page: not gzip -n (a name or time stamp in the header)"
  name=$(basename "$page" .1.gz)
  text=$(MANWIDTH=200 man -l "$f" 2>/dev/null | col -b)  # (not piped into grep -q: pipefail)
  grep -qE "^[[:space:]]+$name[[:space:]]+-[[:space:]]" <<<"$text" ||
    fail "man -l $page does not render its NAME line"
done
[ "$("$tmp/root/usr/bin/smtp-harness" --version)" = "$version" ] || fail ".deb binary --version"
(cd "$tmp" && "$tmp/root/usr/bin/smtp-harness" run \
  "$tmp/root/usr/share/smtp-harness/scenarios/basic_send.yaml" --report "$tmp/r2.json" >/dev/null) ||
  fail ".deb binary run"
step "ok"
