#!/usr/bin/env zsh
# zsh_complete.zsh COMPLETION LINE...: types each LINE and a TAB into an
# interactive zsh (on a zpty, with compinit) and prints the command line as
# completion left it, one per LINE. The real completion system, as a user at
# a terminal gets it. COMPLETION is a directory to put in $fpath (where
# _smtp-harness is installed) or a script to source (`source <(smtp-harness
# completion zsh)`).
zmodload zsh/zpty || exit 2
dir=$1; shift
out=$(mktemp)  # (no EXIT trap: zpty's forked child would run it)
zpty z zsh -f -i
if [[ -d $dir ]]; then
  zpty -w z "PS1='> '; fpath=(${(q)dir} \$fpath); autoload -Uz compinit; compinit -u -D"
else
  zpty -w z "PS1='> '; autoload -Uz compinit; compinit -u -D; source ${(q)dir}"
fi
# Ctrl-X appends the edited line to $out and clears it.
zpty -w z "dump() { print -r -- \"\$BUFFER\" >> ${(q)out}; BUFFER=; zle accept-line }"
zpty -w z "zle -N dump; bindkey '^X' dump"
n=0
for line in "$@"; do
  zpty -w -n z "$line"$'\t\C-x'
  (( n++ ))
  for i in {1..200}; do
    (( $(wc -l < $out) >= n )) && break
    sleep 0.05
  done
done
zpty -d z
cat $out
rm -f $out
