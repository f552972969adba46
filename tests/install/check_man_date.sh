#!/usr/bin/env bash
# The man pages' date is reproducible (cmake/ManPages.cmake): SOURCE_DATE_EPOCH
# when set, else the last commit's time, never the day of the build (help2man's
# default: the same sources built in another month gave other bytes).
# A throwaway repository whose one commit is dated 2001 stands in for the sources.
# Usage: check_man_date.sh CMAKE SOURCE_DIR BINARY HELP2MAN GZIP GIT
set -euo pipefail
cmake=$1 src=$2 bin=$3 help2man=$4 gzip=$5 git=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pages() {  # $1: the "sources" (git -C); the .TH line of smtp-harness-run(1)
  "$cmake" -DHELP2MAN="$help2man" -DGZIP="$gzip" -DBINARY="$bin" -DVERSION=0 \
    -DDOCDIR=/d -DDATADIR=/s -DOUTPUT_DIR="$tmp/man" -DSOURCE_DIR="$1" -DGIT="$git" \
    -P "$src/cmake/ManPages.cmake"
  "$gzip" -dc "$tmp/man/smtp-harness-run.1.gz" | grep '^\.TH'
}
mkdir "$tmp/repo"
"$git" -C "$tmp/repo" init -q
GIT_AUTHOR_DATE='2001-03-04T05:06:07Z' GIT_COMMITTER_DATE='2001-03-04T05:06:07Z' \
  "$git" -C "$tmp/repo" -c user.name=t -c user.email=t@example.test \
  commit -q --allow-empty -m dated
unset SOURCE_DATE_EPOCH
th=$(pages "$tmp/repo")
[[ "$th" == *"March 2001"* ]] || fail "the last commit is of March 2001, the page says: $th"
first=$("$gzip" -dc "$tmp/man/smtp-harness-run.1.gz" | md5sum)
pages "$tmp/repo" >/dev/null
[ "$first" = "$("$gzip" -dc "$tmp/man/smtp-harness-run.1.gz" | md5sum)" ] ||
  fail "two builds of the same sources differ"
th=$(SOURCE_DATE_EPOCH=0 pages "$tmp/repo")
[[ "$th" == *"January 1970"* ]] || fail "SOURCE_DATE_EPOCH=0, the page says: $th"
echo "man page dates: OK"
